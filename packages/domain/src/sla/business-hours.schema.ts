import { z } from 'zod';
import { isValidTimeZone } from './time-zone';

/** "HH:MM" from 00:00 to 24:00 (24:00 closes at the next midnight). */
export const TimeOfDay = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected HH:MM between 00:00 and 24:00');

export function minutesOfDay(t: string): number {
  const [h, m] = t.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** One open window in a day; overnight shifts are two windows on two days. */
export const OpenWindow = z
  .object({ start: TimeOfDay, end: TimeOfDay })
  .refine((w) => minutesOfDay(w.start) < minutesOfDay(w.end), { message: 'a window must end after it starts' });
export type OpenWindow = z.infer<typeof OpenWindow>;

const Day = z.array(OpenWindow).max(6).default([]);
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * When a brand or team is open. Times are wall-clock in `timeZone` (IANA), so a 09:00 opening
 * stays 09:00 local across DST changes. Holidays are local dates closed all day.
 */
export const BusinessHours = z.object({
  timeZone: z.string().refine(isValidTimeZone, { message: 'unknown IANA time zone' }),
  /** Open around the clock (24/7); weekly and holidays are then ignored. */
  alwaysOpen: z.boolean().default(false),
  weekly: z
    .object({ sun: Day, mon: Day, tue: Day, wed: Day, thu: Day, fri: Day, sat: Day })
    .default({ sun: [], mon: [], tue: [], wed: [], thu: [], fri: [], sat: [] }),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(1000).default([]),
});
export type BusinessHours = z.infer<typeof BusinessHours>;
export type BusinessHoursInput = z.input<typeof BusinessHours>;

export const ALWAYS_OPEN: BusinessHours = BusinessHours.parse({ timeZone: 'UTC', alwaysOpen: true });

/** Monday–Friday between `start` and `end` in a zone, the most common schedule. */
export function weekdayHours(timeZone: string, start = '09:00', end = '17:00', holidays: string[] = []): BusinessHours {
  const w = [{ start, end }];
  return BusinessHours.parse({ timeZone, weekly: { mon: w, tue: w, wed: w, thu: w, fri: w }, holidays });
}

/** A team's own hours when it has them, else the brand's. */
export function effectiveBusinessHours(brand: BusinessHours, team?: BusinessHours | null): BusinessHours {
  return team ?? brand;
}
