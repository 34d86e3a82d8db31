/**
 * Time-zone arithmetic on top of the built-in Intl API (full ICU ships with Node 20), so there is
 * no tz database to keep up to date in our code. Instants are epoch milliseconds.
 */
export interface LocalDate {
  year: number;
  month: number; // 1..12
  day: number;
}

const MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of an instant in a zone. */
export function localFields(ms: number, timeZone: string): LocalDate & { hour: number; minute: number; second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(ms)) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  return out;
}

/** Offset of the zone from UTC at an instant, in ms (New York in winter: -5 h). */
export function offsetAt(ms: number, timeZone: string): number {
  const f = localFields(ms, timeZone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

export function localDateOf(ms: number, timeZone: string): LocalDate {
  const { year, month, day } = localFields(ms, timeZone);
  return { year, month, day };
}

export function nextLocalDate(d: LocalDate): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(d: LocalDate): number {
  return new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
}

export function isoDate(d: LocalDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/**
 * The instant a wall-clock time (minutes after local midnight, 1440 = next midnight) occurs.
 * Like Temporal's "compatible" disambiguation: a time skipped by spring-forward maps to the
 * same distance after the gap; a repeated fall-back time maps to its first occurrence.
 */
export function wallTimeToInstant(d: LocalDate, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(d.year, d.month - 1, d.day) + minuteOfDay * MINUTE;
  const before = offsetAt(wall - 12 * 60 * MINUTE, timeZone);
  const after = offsetAt(wall + 12 * 60 * MINUTE, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => offsetAt(t, timeZone) === wall - t);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before; // in the gap: keep the pre-transition offset, which lands after the gap
}
