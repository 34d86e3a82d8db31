import { z } from 'zod';
import { EarshotError } from '@earshot/domain';

/**
 * The one page-cursor codec of every list: base64url of JSON, read back through a zod schema, so a
 * cursor is either one this server could have given out or a 400 on `query.cursor` — never a value
 * that reaches SQL unchecked (a forged time or rank used to surface as a database error).
 */
export interface CursorCodec<T> {
  encode(value: T): string;
  decode(cursor: string): T;
}

/** Longer than any cursor the server gives out. */
const MAX_CURSOR_LENGTH = 1024;

export function cursorCodec<T>(schema: z.ZodType<T>): CursorCodec<T> {
  const invalid = () => new EarshotError('EARSHOT_VALIDATION', 'cursor is not one this server gave out', { field: 'query.cursor' });
  return {
    encode: (value) => Buffer.from(JSON.stringify(value)).toString('base64url'),
    decode(cursor) {
      if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
      let raw: unknown;
      try {
        raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        throw invalid();
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw invalid();
      return parsed.data;
    },
  };
}

/** Field schemas cursors are made of. */
export const CursorFields = {
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
  /** A time as the server writes it (toISOString). */
  time: z.iso.datetime(),
  /** A sort key: a time, or 'infinity' for rows without one (they sort last). */
  timeOrInfinity: z.union([z.iso.datetime(), z.literal('infinity')]),
  /** A text sort key (a name, an email); NUL cannot be compared in PostgreSQL, so it is not one. */
  text: z.string().max(512).refine((s) => !s.includes('\u0000')),
  /** A full-text rank as PostgreSQL prints a float4/float8. */
  rank: z.string().max(40).regex(/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i).refine((s) => Math.abs(Number(s)) < 1e30), // ts_rank is a float4
};
