import type { BusinessHours } from './business-hours.schema';
import { WEEKDAYS, minutesOfDay } from './business-hours.schema';
import type { LocalDate } from './time-zone';
import { isoDate, localDateOf, wallTimeToInstant, weekdayOf } from './time-zone';

export type Interval = readonly [start: number, end: number];

// Open intervals per local date are recomputed a lot (every clock, every recompute); Intl calls are
// the cost, so memoise per hours object. Hours objects are treated as immutable values.
const cache = new WeakMap<BusinessHours, Map<string, Interval[]>>();
const MAX_CACHED_DAYS = 4000;

/** Open intervals (epoch ms, sorted, merged) of one local date. */
export function openIntervalsOn(hours: BusinessHours, date: LocalDate): Interval[] {
  const key = isoDate(date);
  let byDate = cache.get(hours);
  if (!byDate) {
    byDate = new Map();
    cache.set(hours, byDate);
  }
  const hit = byDate.get(key);
  if (hit) return hit;
  const out = computeIntervals(hours, date, key);
  if (byDate.size >= MAX_CACHED_DAYS) byDate.clear();
  byDate.set(key, out);
  return out;
}

function computeIntervals(hours: BusinessHours, date: LocalDate, key: string): Interval[] {
  const tz = hours.timeZone;
  if (hours.alwaysOpen) return [[wallTimeToInstant(date, 0, tz), wallTimeToInstant(date, 1440, tz)]];
  if (hours.holidays.includes(key)) return [];
  const day = WEEKDAYS[weekdayOf(date)] ?? 'sun';
  const windows = [...hours.weekly[day]].sort((a, b) => minutesOfDay(a.start) - minutesOfDay(b.start));
  const out: [number, number][] = [];
  for (const w of windows) {
    const s = wallTimeToInstant(date, minutesOfDay(w.start), tz);
    const e = wallTimeToInstant(date, minutesOfDay(w.end), tz);
    if (e <= s) continue; // a window swallowed by a DST gap
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

export function isWithinBusinessHoursMs(ms: number, hours: BusinessHours): boolean {
  if (hours.alwaysOpen) return true;
  return openIntervalsOn(hours, localDateOf(ms, hours.timeZone)).some(([s, e]) => ms >= s && ms < e);
}
