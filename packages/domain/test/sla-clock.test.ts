import { describe, expect, it } from 'vitest';
import { EarshotError, computeSlaClock, type SlaEvent } from '../src';
import { BERLIN, NY, NY_24_7_SCHEDULE, POLICY, created, inbound, reply, status } from './sla-helpers';

const clock = (events: SlaEvent[], now: string, hours = NY) => computeSlaClock({ events, policy: POLICY, hours, now });
const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

describe('SLA clock: first response in business hours (New York, Mon–Fri 09–17)', () => {
  const ev = [created('2026-02-09T10:00:00-05:00')];

  it('is ok with due and warning times while time remains, and says when to look again', () => {
    const c = clock(ev, '2026-02-09T10:30:00-05:00');
    expect(c.metrics.first_response).toMatchObject({ state: 'ok', elapsedMinutes: 30, remainingMinutes: 30, paused: false });
    expect(iso(c.metrics.first_response?.dueAt)).toBe('2026-02-09T16:00:00.000Z');
    expect(iso(c.metrics.first_response?.warningAt)).toBe('2026-02-09T15:45:00.000Z');
    expect(iso(c.nextEvaluationAt)).toBe('2026-02-09T15:45:00.000Z');
    expect(c.metrics.next_response).toBeNull();
  });

  it('warns at 75 % and breaches at 100 %, with the breach time', () => {
    expect(clock(ev, '2026-02-09T10:50:00-05:00').metrics.first_response?.state).toBe('warning');
    const b = clock(ev, '2026-02-09T11:05:00-05:00').metrics.first_response;
    expect(b).toMatchObject({ state: 'breached', remainingMinutes: -5 });
    expect(iso(b?.breachedAt)).toBe('2026-02-09T16:00:00.000Z');
  });

  it('is met by a reply in time and stays met afterwards', () => {
    const c = clock([...ev, reply('2026-02-09T10:40:00-05:00')], '2026-02-10T12:00:00-05:00');
    expect(c.metrics.first_response).toMatchObject({ state: 'met', stoppedBy: 'reply', elapsedMinutes: 40 });
    expect(iso(c.metrics.first_response?.stoppedAt)).toBe('2026-02-09T15:40:00.000Z');
  });

  it('a late reply is recorded as breached, not met', () => {
    const c = clock([...ev, reply('2026-02-09T11:30:00-05:00')], '2026-02-09T12:00:00-05:00');
    expect(c.metrics.first_response).toMatchObject({ state: 'breached', stoppedBy: 'reply' });
  });
});

describe('SLA clock: weekends, nights, holidays and DST', () => {
  it('pauses over the weekend and resumes Monday morning', () => {
    const ev = [created('2026-02-06T16:30:00-05:00')];
    const sat = clock(ev, '2026-02-07T12:00:00-05:00').metrics.first_response;
    expect(sat).toMatchObject({ state: 'ok', elapsedMinutes: 30, paused: true, pauseReason: 'outside_business_hours' });
    expect(iso(sat?.dueAt)).toBe('2026-02-09T14:30:00.000Z');
    expect(clock(ev, '2026-02-09T09:10:00-05:00').metrics.first_response).toMatchObject({ elapsedMinutes: 40, state: 'ok', paused: false });
    expect(clock(ev, '2026-02-09T09:15:00-05:00').metrics.first_response?.state).toBe('warning');
  });

  it('due times keep local opening hours across the New York spring-forward', () => {
    const c = clock([created('2026-03-06T16:30:00-05:00')], '2026-03-06T16:31:00-05:00');
    expect(iso(c.metrics.first_response?.dueAt)).toBe('2026-03-09T13:30:00.000Z'); // Mon 09:30 EDT
  });

  it('a 24/7 schedule counts the real 2 hours across the New York spring-forward night', () => {
    const c = clock([created('2026-03-08T01:30:00-05:00', { priority: 'low' })], '2026-03-08T04:30:00-04:00', NY_24_7_SCHEDULE);
    expect(c.metrics.first_response?.elapsedMinutes).toBe(120);
  });

  it('due times keep local opening hours across the Berlin fall-back', () => {
    // Fri 23 Oct 16:30 CEST: 30 minutes on Friday, the other 30 on Monday after the clocks went back.
    const c = clock([created('2026-10-23T16:30:00+02:00')], '2026-10-23T16:31:00+02:00', BERLIN);
    expect(iso(c.metrics.first_response?.dueAt)).toBe('2026-10-26T08:30:00.000Z'); // Mon 09:30 CET
  });

  it('does not count a holiday', () => {
    const hours = { ...NY, holidays: ['2026-02-16'] };
    const c = clock([created('2026-02-13T16:30:00-05:00')], '2026-02-17T09:00:00-05:00', hours);
    expect(c.metrics.first_response?.elapsedMinutes).toBe(30);
    expect(iso(c.metrics.first_response?.dueAt)).toBe('2026-02-17T14:30:00.000Z');
  });

  it('urgent targets run around the clock', () => {
    const c = clock([created('2026-02-07T12:00:00-05:00', { priority: 'urgent' })], '2026-02-07T12:20:00-05:00');
    expect(c.hours).toBe('always');
    expect(c.metrics.first_response).toMatchObject({ elapsedMinutes: 20, paused: false, state: 'ok' });
    expect(iso(c.metrics.first_response?.dueAt)).toBe('2026-02-07T17:30:00.000Z');
  });
});

describe('SLA clock: pending, next response, resolve and reopen', () => {
  const base = [created('2026-02-09T10:00:00-05:00'), reply('2026-02-09T10:10:00-05:00'), status('2026-02-09T10:10:00-05:00', 'pending')];

  it('pauses resolution while pending, with no due time until the customer answers', () => {
    const c = clock(base, '2026-02-09T15:00:00-05:00');
    expect(c.status).toBe('pending');
    expect(c.metrics.resolution).toMatchObject({ elapsedMinutes: 10, paused: true, pauseReason: 'pending', dueAt: null, state: 'ok' });
    expect(c.nextEvaluationAt).toBeNull();
  });

  it('resumes on the customer’s reply and starts a next-response cycle', () => {
    const c = clock([...base, inbound('2026-02-09T14:00:00-05:00')], '2026-02-09T15:00:00-05:00');
    expect(c.status).toBe('open');
    expect(c.metrics.resolution).toMatchObject({ elapsedMinutes: 70, paused: false });
    expect(c.metrics.next_response).toMatchObject({ elapsedMinutes: 60, cycles: 1, state: 'ok' });
    expect(iso(c.metrics.next_response?.dueAt)).toBe('2026-02-09T21:00:00.000Z');
  });

  it('keeps the earliest unanswered message as the start of next response', () => {
    const c = clock([...base, inbound('2026-02-09T14:00:00-05:00'), inbound('2026-02-09T14:30:00-05:00')], '2026-02-09T15:00:00-05:00');
    expect(c.metrics.next_response).toMatchObject({ elapsedMinutes: 60, cycles: 1 });
  });

  it('counts breached next-response cycles even after a later cycle is met', () => {
    const ev = [
      ...base,
      inbound('2026-02-09T11:00:00-05:00'),
      reply('2026-02-09T13:30:00-05:00'), // 150 > 120: breached
      inbound('2026-02-09T14:00:00-05:00'),
      reply('2026-02-09T14:10:00-05:00'),
    ];
    const c = clock(ev, '2026-02-09T16:00:00-05:00');
    expect(c.metrics.next_response).toMatchObject({ state: 'met', cycles: 2, breachedCycles: 1 });
  });

  it('resolution meets the clock; a reopen resumes it from where it stopped', () => {
    const resolved = [created('2026-02-09T10:00:00-05:00'), reply('2026-02-09T10:10:00-05:00'), status('2026-02-09T11:00:00-05:00', 'resolved')];
    const r = clock(resolved, '2026-02-09T12:00:00-05:00');
    expect(r.metrics.resolution).toMatchObject({ state: 'met', stoppedBy: 'resolution', elapsedMinutes: 60 });
    const reopened = clock([...resolved, inbound('2026-02-09T13:00:00-05:00')], '2026-02-09T14:00:00-05:00');
    expect(reopened.status).toBe('open');
    expect(reopened.metrics.resolution).toMatchObject({ state: 'ok', stoppedBy: null, elapsedMinutes: 120 });
    expect(reopened.metrics.next_response).toMatchObject({ cycles: 1, elapsedMinutes: 60 });
    // The reopened conversation can still breach resolution: 480 - 120 = 360 more business minutes.
    expect(clock([...resolved, inbound('2026-02-09T13:00:00-05:00')], '2026-02-10T16:01:00-05:00').metrics.resolution?.state).toBe('breached');
  });

  it('an explicit reopen by status also resumes; snoozing does not pause', () => {
    const ev = [created('2026-02-09T10:00:00-05:00'), status('2026-02-09T10:20:00-05:00', 'snoozed')];
    expect(clock(ev, '2026-02-09T11:00:00-05:00').metrics.first_response?.state).toBe('breached');
    const r = clock([...ev, status('2026-02-09T10:30:00-05:00', 'resolved'), status('2026-02-09T11:00:00-05:00', 'open')], '2026-02-09T11:10:00-05:00');
    expect(r.metrics.first_response).toMatchObject({ elapsedMinutes: 40, state: 'ok', paused: false });
  });
});

describe('SLA clock: policy choices', () => {
  it('a priority change applies the new targets to the time already spent', () => {
    const ev: SlaEvent[] = [created('2026-02-09T10:00:00-05:00'), { type: 'priority_changed', at: '2026-02-09T10:05:00-05:00', priority: 'urgent' }];
    const c = clock(ev, '2026-02-09T10:10:00-05:00');
    expect(c.priority).toBe('urgent');
    expect(iso(c.metrics.first_response?.dueAt)).toBe('2026-02-09T15:30:00.000Z');
  });

  it('uses the same targets on every channel unless the brand set a channel override', () => {
    const x = clock([created('2026-02-09T10:00:00-05:00', { channelKind: 'x' })], '2026-02-09T10:30:00-05:00');
    const fb = clock([created('2026-02-09T10:00:00-05:00', { channelKind: 'facebook' })], '2026-02-09T10:30:00-05:00');
    const email = clock([created('2026-02-09T10:00:00-05:00', { channelKind: 'email' })], '2026-02-09T10:30:00-05:00');
    expect(x.metrics.first_response?.targetMinutes).toBe(60);
    expect(fb.metrics.first_response?.targetMinutes).toBe(60);
    expect(email.metrics.first_response?.targetMinutes).toBe(240);
    expect(email.targetsSource).toBe('channel:email');
  });

  it('ignores events after now and refuses a log without a created event', () => {
    const c = clock([created('2026-02-09T10:00:00-05:00'), reply('2026-02-09T10:40:00-05:00')], '2026-02-09T10:30:00-05:00');
    expect(c.metrics.first_response?.state).toBe('ok');
    expect(() => clock([inbound('2026-02-09T10:00:00-05:00')], '2026-02-09T10:30:00-05:00')).toThrow(EarshotError);
  });
});
