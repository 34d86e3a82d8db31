import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessHours, EarshotError, addBusinessMinutes, businessMinutesBetween, isWithinBusinessHours, wallTimeToInstant, weekdayHours } from '../src';

const allDay = [{ start: '00:00', end: '24:00' }];
const roundTheClock = (timeZone: string) =>
  BusinessHours.parse({ timeZone, weekly: { sun: allDay, mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay } });
const ny = weekdayHours('America/New_York');
const berlin = weekdayHours('Europe/Berlin', '09:00', '17:00', ['2026-12-25', '2026-12-26']);

describe('wall time in a zone', () => {
  it('maps a time skipped by spring-forward to after the gap, and a repeated time to its first occurrence', () => {
    expect(new Date(wallTimeToInstant({ year: 2026, month: 3, day: 8 }, 150, 'America/New_York')).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(new Date(wallTimeToInstant({ year: 2026, month: 11, day: 1 }, 90, 'America/New_York')).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(new Date(wallTimeToInstant({ year: 2026, month: 3, day: 29 }, 150, 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('businessMinutesBetween', () => {
  it('counts a 23-hour spring-forward day and a 25-hour fall-back day in New York', () => {
    const h = roundTheClock('America/New_York');
    expect(businessMinutesBetween('2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00', h)).toBe(23 * 60);
    expect(businessMinutesBetween('2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00', h)).toBe(25 * 60);
  });

  it('counts a window that spans the Berlin DST switch by real elapsed time', () => {
    const w = [{ start: '01:00', end: '04:00' }];
    const h = BusinessHours.parse({ timeZone: 'Europe/Berlin', weekly: { sun: w } });
    expect(businessMinutesBetween('2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z', h)).toBe(120);
    expect(businessMinutesBetween('2026-10-24T12:00:00Z', '2026-10-26T00:00:00Z', h)).toBe(240);
  });

  it('skips nights and weekends', () => {
    // Fri 16:00 → Mon 10:00 New York = 60 + 60 minutes.
    expect(businessMinutesBetween('2026-02-06T16:00:00-05:00', '2026-02-09T10:00:00-05:00', ny)).toBe(120);
    expect(businessMinutesBetween('2026-02-07T10:00:00-05:00', '2026-02-08T23:00:00-05:00', ny)).toBe(0);
  });

  it('skips holidays', () => {
    // Thu 24 Dec 16:00 → Mon 28 Dec 10:00 Berlin: Christmas and Boxing Day closed, then the weekend.
    expect(businessMinutesBetween('2026-12-24T16:00:00+01:00', '2026-12-28T10:00:00+01:00', berlin)).toBe(120);
  });

  it('is 0 when end is not after start', () => {
    expect(businessMinutesBetween('2026-02-09T12:00:00-05:00', '2026-02-09T11:00:00-05:00', ny)).toBe(0);
  });
});

describe('addBusinessMinutes', () => {
  it('carries over a weekend across the New York spring-forward', () => {
    // Fri 6 Mar 16:00 EST + 120 business minutes = Mon 9 Mar 10:00 EDT.
    expect(addBusinessMinutes('2026-03-06T16:00:00-05:00', 120, ny).toISOString()).toBe('2026-03-09T14:00:00.000Z');
  });

  it('keeps 09:00 local opening across the Berlin fall-back', () => {
    // Fri 23 Oct 16:30 CEST + 60 = Mon 26 Oct 09:30 CET.
    expect(addBusinessMinutes('2026-10-23T16:30:00+02:00', 60, berlin).toISOString()).toBe('2026-10-26T08:30:00.000Z');
  });

  it('skips holidays and starts counting at the next opening when started while closed', () => {
    expect(addBusinessMinutes('2026-12-24T16:00:00+01:00', 120, berlin).toISOString()).toBe('2026-12-28T09:00:00.000Z');
    expect(addBusinessMinutes('2026-02-07T12:00:00-05:00', 30, ny).toISOString()).toBe('2026-02-09T14:30:00.000Z');
  });

  it('ends exactly at closing time rather than at the next opening', () => {
    expect(addBusinessMinutes('2026-02-09T16:00:00-05:00', 60, ny).toISOString()).toBe('2026-02-09T22:00:00.000Z');
  });

  it('is plain calendar time when always open', () => {
    const h = BusinessHours.parse({ timeZone: 'America/New_York', alwaysOpen: true });
    expect(addBusinessMinutes('2026-03-08T01:30:00-05:00', 60, h).toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('fails loudly on a schedule with no open time', () => {
    const closed = BusinessHours.parse({ timeZone: 'UTC' });
    expect(() => addBusinessMinutes('2026-01-01T00:00:00Z', 1, closed)).toThrow(EarshotError);
  });

  it('is the inverse of businessMinutesBetween for any start and duration (DST zones)', () => {
    const zones = [ny, berlin, roundTheClock('Europe/Berlin'), weekdayHours('Australia/Sydney', '08:30', '18:00')];
    const start = Date.parse('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 24 * 60 }), fc.integer({ min: 0, max: 20_000 }), fc.constantFrom(...zones), (offsetMin, minutes, h) => {
        const s = new Date(start + offsetMin * 60_000);
        const due = addBusinessMinutes(s, minutes, h);
        expect(businessMinutesBetween(s, due, h)).toBe(minutes);
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('schedule validation', () => {
  it('rejects unknown zones, bad times and reversed windows', () => {
    expect(BusinessHours.safeParse({ timeZone: 'Mars/Olympus' }).success).toBe(false);
    expect(BusinessHours.safeParse({ timeZone: 'UTC', weekly: { mon: [{ start: '9:00', end: '17:00' }] } }).success).toBe(false);
    expect(BusinessHours.safeParse({ timeZone: 'UTC', weekly: { mon: [{ start: '17:00', end: '09:00' }] } }).success).toBe(false);
  });

  it('answers whether an instant is inside business hours', () => {
    expect(isWithinBusinessHours('2026-03-09T09:00:00-04:00', ny)).toBe(true);
    expect(isWithinBusinessHours('2026-03-09T17:00:00-04:00', ny)).toBe(false);
    expect(isWithinBusinessHours('2026-12-25T12:00:00+01:00', berlin)).toBe(false);
  });
});
