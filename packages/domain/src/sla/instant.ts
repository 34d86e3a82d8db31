import { z } from 'zod';
import { EarshotError } from '../errors';

/** Anything that names an instant: a Date, epoch ms, or an ISO 8601 string with offset. */
export type Instant = Date | number | string;
export const InstantSchema = z.union([z.date(), z.number().int(), z.iso.datetime({ offset: true })]);

export function toMs(t: Instant): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
  if (!Number.isFinite(ms)) throw new EarshotError('EARSHOT_VALIDATION', `not a valid instant: ${String(t)}`);
  return ms;
}

export const MINUTE_MS = 60_000;
