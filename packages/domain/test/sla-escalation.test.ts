import { describe, expect, it } from 'vitest';
import { computeSlaClock, decideEscalations } from '../src';
import { NY, POLICY, created, reply } from './sla-helpers';

describe('decideEscalations', () => {
  const ev = [created('2026-02-09T10:00:00-05:00')];

  it('notifies the supervisor on warning', () => {
    const c = computeSlaClock({ events: ev, policy: POLICY, hours: NY, now: '2026-02-09T10:50:00-05:00' });
    const d = decideEscalations(c, POLICY);
    expect(d.map((x) => [x.metric, x.level, x.type])).toEqual([['first_response', 'warning', 'notify_supervisor']]);
  });

  it('on breach notifies, raises priority one step and reassigns, skipping stale warning actions', () => {
    const c = computeSlaClock({ events: ev, policy: POLICY, hours: NY, now: '2026-02-09T11:10:00-05:00' });
    const d = decideEscalations(c, POLICY);
    expect(d.map((x) => x.type)).toEqual(['notify_supervisor', 'raise_priority', 'reassign']);
    expect(d[1]).toMatchObject({ from: 'normal', to: 'high' });
  });

  it('never repeats a decision whose key is already done, so the SLA job is idempotent', () => {
    const c = computeSlaClock({ events: ev, policy: POLICY, hours: NY, now: '2026-02-09T11:10:00-05:00' });
    const first = decideEscalations(c, POLICY);
    const again = decideEscalations(c, POLICY, new Set(first.map((x) => x.key)));
    expect(again).toEqual([]);
    expect(new Set(first.map((x) => x.key)).size).toBe(first.length);
  });

  it('sends the configured "still on it" update when resolution nears its target', () => {
    const c = computeSlaClock({ events: [...ev, reply('2026-02-09T10:05:00-05:00')], policy: POLICY, hours: NY, now: '2026-02-09T16:30:00-05:00' });
    expect(c.metrics.resolution?.state).toBe('warning');
    const d = decideEscalations(c, POLICY);
    expect(d).toContainEqual(expect.objectContaining({ metric: 'resolution', type: 'send_update', templateId: 'still-on-it' }));
  });

  it('does nothing for met clocks, and cannot raise above urgent', () => {
    const met = computeSlaClock({ events: [...ev, reply('2026-02-09T10:05:00-05:00')], policy: POLICY, hours: NY, now: '2026-02-09T10:30:00-05:00' });
    expect(decideEscalations(met, POLICY)).toEqual([]);
    const urgent = computeSlaClock({ events: [created('2026-02-09T10:00:00-05:00', { priority: 'urgent' })], policy: POLICY, hours: NY, now: '2026-02-09T11:00:00-05:00' });
    expect(decideEscalations(urgent, POLICY).some((x) => x.type === 'raise_priority')).toBe(false);
  });
});
