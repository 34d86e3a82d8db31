import { EarshotError } from '../errors';
import { isWithinBusinessHoursMs, openIntervalsOn } from './business-calendar';
import type { BusinessHours } from './business-hours.schema';
import type { Instant } from './instant';
import { MINUTE_MS, toMs } from './instant';
import type { LocalDate } from './time-zone';
import { localDateOf, nextLocalDate } from './time-zone';

/** Ten years of days: a schedule with no open time must fail loudly, not loop forever. */
const MAX_DAYS = 3660;

/** Open milliseconds in [start, end). */
export function businessMsBetween(start: number, end: number, hours: BusinessHours): number {
  if (end <= start) return 0;
  if (hours.alwaysOpen) return end - start;
  let total = 0;
  const last = localDateOf(end, hours.timeZone);
  let date = localDateOf(start, hours.timeZone);
  // Intervals of a local date lie inside that date, so the dates of start..end cover everything.
  for (let i = 0; i <= MAX_DAYS && compareDate(date, last) <= 0; i += 1) {
    for (const [s, e] of openIntervalsOn(hours, date)) {
      const from = Math.max(s, start);
      const to = Math.min(e, end);
      if (to > from) total += to - from;
    }
    date = nextLocalDate(date);
  }
  return total;
}

function compareDate(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** The instant when `ms` open milliseconds after `start` have passed. */
export function addBusinessMs(start: number, ms: number, hours: BusinessHours): number {
  if (ms <= 0) return start;
  if (hours.alwaysOpen) return start + ms;
  let remaining = ms;
  let date = localDateOf(start, hours.timeZone);
  for (let i = 0; i <= MAX_DAYS; i += 1) {
    for (const [s, e] of openIntervalsOn(hours, date)) {
      const from = Math.max(s, start);
      if (e <= from) continue;
      if (e - from >= remaining) return from + remaining;
      remaining -= e - from;
    }
    date = nextLocalDate(date);
  }
  throw new EarshotError('EARSHOT_CONFIG', 'business hours have no open time in the next ten years', { field: 'businessHours' });
}

/** Business minutes between two instants (0 when end is before start). */
export function businessMinutesBetween(start: Instant, end: Instant, hours: BusinessHours): number {
  return businessMsBetween(toMs(start), toMs(end), hours) / MINUTE_MS;
}

/** The instant `minutes` business minutes after `start`. */
export function addBusinessMinutes(start: Instant, minutes: number, hours: BusinessHours): Date {
  return new Date(addBusinessMs(toMs(start), minutes * MINUTE_MS, hours));
}

export function isWithinBusinessHours(at: Instant, hours: BusinessHours): boolean {
  return isWithinBusinessHoursMs(toMs(at), hours);
}
