import { z } from 'zod';
import { cursorCodec, CursorFields } from './cursor';

const timeCursor = cursorCodec(z.strictObject({ t: CursorFields.time, id: CursorFields.id }));

/** An opaque page cursor for lists ordered by (time, id). */
export function encodeTimeCursor(at: Date, id: string): string {
  return timeCursor.encode({ t: at.toISOString(), id });
}

/** Reads a cursor this server gave out; anything else is a 400 on `query.cursor`. */
export function decodeTimeCursor(s: string): { at: string; id: string } {
  const c = timeCursor.decode(s);
  return { at: c.t, id: c.id };
}
