import { EarshotError } from '@earshot/domain';

/** An opaque page cursor for lists ordered by (time, id): base64url of `{ t, id }`. */
export function encodeTimeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify({ t: at.toISOString(), id })).toString('base64url');
}

/** Reads a cursor this server gave out; anything else is a 400 on `query.cursor`. */
export function decodeTimeCursor(s: string): { at: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { t?: unknown; id?: unknown };
    if (typeof c.t !== 'string' || Number.isNaN(Date.parse(c.t)) || typeof c.id !== 'string' || !/^[0-9a-f-]{36}$/.test(c.id)) throw new Error('shape');
    return { at: c.t, id: c.id };
  } catch {
    throw new EarshotError('EARSHOT_VALIDATION', 'cursor is not one this server gave out', { field: 'query.cursor' });
  }
}
