import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SlaEvent, computeSlaClock } from '../src';
import { BERLIN, NY, POLICY } from './sla-helpers';

const T0 = Date.parse('2026-03-02T13:00:00Z');
const MIN = 60_000;

/** Random but well-formed event logs over a few weeks spanning the March DST changes. */
const eventLog = fc
  .tuple(
    fc.constantFrom<'x' | 'email' | 'facebook'>('x', 'email', 'facebook'),
    fc.constantFrom<'low' | 'normal' | 'high' | 'urgent'>('low', 'normal', 'high', 'urgent'),
    fc.array(
      fc.tuple(
        fc.integer({ min: 1, max: 3000 }),
        fc.oneof(
          fc.constant({ type: 'inbound_message' as const }),
          fc.constant({ type: 'outbound_reply' as const }),
          fc.constantFrom('open', 'pending', 'snoozed', 'resolved').map((s) => ({ type: 'status_changed' as const, status: s as 'open' | 'pending' | 'snoozed' | 'resolved' })),
          fc.constantFrom('low', 'normal', 'high', 'urgent').map((p) => ({ type: 'priority_changed' as const, priority: p as 'low' | 'normal' | 'high' | 'urgent' })),
        ),
      ),
      { maxLength: 25 },
    ),
  )
  .map(([channelKind, priority, steps]) => {
    let t = T0;
    const events: SlaEvent[] = [{ type: 'created', at: new Date(t), priority, channelKind }];
    for (const [gap, e] of steps) {
      t += gap * MIN;
      events.push({ ...e, at: new Date(t) } as SlaEvent);
    }
    return events;
  });

const at = (e: SlaEvent): number => (e.at instanceof Date ? e.at.getTime() : Number(e.at));

describe('SLA state is recomputable from the event log', () => {
  it('the live clock after each event equals a recompute from the full log at that moment', () => {
    fc.assert(
      fc.property(eventLog, fc.constantFrom(NY, BERLIN), (events, hours) => {
        for (let k = 0; k < events.length; k += 1) {
          const ev = events[k];
          if (!ev) continue;
          const now = at(ev) + 7 * MIN;
          const next = events[k + 1];
          if (next && at(next) <= now) continue;
          const live = computeSlaClock({ events: events.slice(0, k + 1), policy: POLICY, hours, now });
          const recomputed = computeSlaClock({ events, policy: POLICY, hours, now });
          expect(recomputed).toEqual(live);
        }
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('does not depend on the order events are stored in', () => {
    fc.assert(
      fc.property(eventLog, fc.integer(), (events, seed) => {
        const shuffled = [...events].sort((a, b) => ((at(a) * 31 + seed) % 97) - ((at(b) * 31 + seed) % 97));
        const now = at(events[events.length - 1] ?? events[0]!) + 600 * MIN;
        expect(computeSlaClock({ events: shuffled, policy: POLICY, hours: NY, now })).toEqual(computeSlaClock({ events, policy: POLICY, hours: NY, now }));
      }),
      { numRuns: 150, seed: 12 },
    );
  });

  it('keeps its invariants for any log', () => {
    fc.assert(
      fc.property(eventLog, (events) => {
        const now = at(events[events.length - 1] ?? events[0]!) + 90 * MIN;
        const c = computeSlaClock({ events, policy: POLICY, hours: BERLIN, now });
        for (const m of Object.values(c.metrics)) {
          if (!m) continue;
          expect(m.elapsedMinutes).toBeGreaterThanOrEqual(0);
          expect(m.remainingMinutes).toBeCloseTo(m.targetMinutes - m.elapsedMinutes, 6);
          expect(m.state === 'met').toBe(m.stoppedBy !== null && m.elapsedMinutes <= m.targetMinutes);
          if (m.state === 'breached') expect(m.breachedAt).not.toBeNull();
          if (m.breachedAt && m.stoppedAt) expect(m.breachedAt.getTime()).toBeLessThan(m.stoppedAt.getTime());
        }
        if (c.nextEvaluationAt) expect(c.nextEvaluationAt.getTime()).toBeGreaterThan(now);
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
