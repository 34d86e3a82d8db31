import { expect, it } from 'vitest';
import { BusinessHours, DEFAULT_SLA_POLICY, previewDueTimes } from '../src';

const hours = (holidays: string[] = []) => BusinessHours.parse({ timeZone: 'Europe/Berlin', weekly: { mon: [{ start: '09:00', end: '17:00' }], tue: [{ start: '09:00', end: '17:00' }], wed: [{ start: '09:00', end: '17:00' }], thu: [{ start: '09:00', end: '17:00' }], fri: [{ start: '09:00', end: '17:00' }] }, holidays });

it('previews due times in business hours, a holiday moving them to the next open day, urgent around the clock', () => {
  // Monday 7 Dec 2026, 16:00 in Berlin (15:00 UTC): normal first response (4 h) runs 1 h today, 3 h on Tuesday.
  const at = new Date('2026-12-07T15:00:00Z');
  const plain = previewDueTimes(DEFAULT_SLA_POLICY, hours(), at);
  const normal = plain.rows.find((r) => r.priority === 'normal');
  expect(plain.openNow).toBe(true);
  expect(normal?.targets.first_response).toEqual({ minutes: 240, due: '2026-12-08T11:00:00.000Z', warning: '2026-12-08T10:00:00.000Z' });
  // Tuesday a holiday: the same message is due on Wednesday.
  const holiday = previewDueTimes(DEFAULT_SLA_POLICY, hours(['2026-12-08']), at);
  expect(holiday.rows.find((r) => r.priority === 'normal')?.targets.first_response?.due).toBe('2026-12-09T11:00:00.000Z');
  // Urgent targets are 24/7: 30 minutes whatever the hours.
  expect(holiday.rows.find((r) => r.priority === 'urgent')?.targets.first_response?.due).toBe('2026-12-07T15:30:00.000Z');
});
