import { describe, expect, it } from 'vitest';
import { type ConversationSla, computeSlaClock, conversationTimings, percentile, responsePercentilesByChannel, slaCompliance, type SlaEvent } from '../src';
import { NY, POLICY, created, inbound, reply, status } from './sla-helpers';

const NOW = '2026-02-10T17:00:00-05:00';
const conv = (id: string, teamId: string | null, agentId: string | null, events: SlaEvent[]): ConversationSla => ({
  conversationId: id,
  brandId: 'brand-1',
  teamId,
  agentId,
  clock: computeSlaClock({ events, policy: POLICY, hours: NY, now: NOW }),
});

// c1: replied and resolved in time. c2: first reply late. c3: still open, no reply, breached.
// c4: replied in time, still open, resolution running. c5: fine, then a breached next response.
const items = [
  conv('c1', 't1', 'a1', [created('2026-02-10T10:00:00-05:00'), reply('2026-02-10T10:20:00-05:00'), status('2026-02-10T11:00:00-05:00', 'resolved')]),
  conv('c2', 't1', 'a2', [created('2026-02-10T10:00:00-05:00'), reply('2026-02-10T12:00:00-05:00'), status('2026-02-10T12:30:00-05:00', 'resolved')]),
  conv('c3', 't2', null, [created('2026-02-10T09:00:00-05:00')]),
  conv('c4', 't2', 'a1', [created('2026-02-10T15:00:00-05:00'), reply('2026-02-10T15:10:00-05:00')]),
  conv('c5', null, 'a1', [
    created('2026-02-10T09:00:00-05:00'),
    reply('2026-02-10T09:05:00-05:00'),
    inbound('2026-02-10T09:30:00-05:00'),
    reply('2026-02-10T12:00:00-05:00'),
    status('2026-02-10T12:10:00-05:00', 'resolved'),
  ]),
];

describe('slaCompliance', () => {
  it('gives % met per team with the conversations behind each number', () => {
    expect(slaCompliance(items, 'team')).toEqual([
      { key: 't1', metric: 'all', met: 1, breached: 1, percentMet: 50, metIds: ['c1'], breachedIds: ['c2'], inProgressIds: [] },
      { key: 't2', metric: 'all', met: 0, breached: 1, percentMet: 0, metIds: [], breachedIds: ['c3'], inProgressIds: ['c4'] },
      { key: null, metric: 'all', met: 0, breached: 1, percentMet: 0, metIds: [], breachedIds: ['c5'], inProgressIds: [] },
    ]);
  });

  it('groups by agent and brand, and by one metric', () => {
    const agents = slaCompliance(items, 'agent', { metric: 'first_response' });
    expect(agents.find((r) => r.key === 'a1')).toMatchObject({ met: 3, breached: 0, percentMet: 100, metIds: ['c1', 'c4', 'c5'] });
    expect(agents.find((r) => r.key === 'a2')).toMatchObject({ met: 0, breached: 1, breachedIds: ['c2'] });
    const brand = slaCompliance(items, 'brand');
    expect(brand).toHaveLength(1);
    expect(brand[0]).toMatchObject({ key: 'brand-1', met: 1, breached: 3, percentMet: 25 });
  });
});

describe('channel fairness percentiles', () => {
  it('uses nearest rank', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 90)).toBe(9);
  });

  it('reports first-response and resolution p50/p90 per channel with the conversation ids', () => {
    const rows = responsePercentilesByChannel([
      { conversationId: 'x1', channelKind: 'x', firstResponseMinutes: 5, resolutionMinutes: 60 },
      { conversationId: 'x2', channelKind: 'x', firstResponseMinutes: 15, resolutionMinutes: null },
      { conversationId: 'e1', channelKind: 'email', firstResponseMinutes: 240, resolutionMinutes: 600 },
      { conversationId: 'e2', channelKind: 'email', firstResponseMinutes: null, resolutionMinutes: null },
    ]);
    expect(rows).toEqual([
      { channelKind: 'email', firstResponse: { n: 1, p50: 240, p90: 240, conversationIds: ['e1'] }, resolution: { n: 1, p50: 600, p90: 600, conversationIds: ['e1'] } },
      { channelKind: 'x', firstResponse: { n: 2, p50: 5, p90: 15, conversationIds: ['x1', 'x2'] }, resolution: { n: 1, p50: 60, p90: 60, conversationIds: ['x1'] } },
    ]);
  });

  it('derives calendar timings from the event log; a reopen clears the resolution time', () => {
    const ev = [created('2026-02-10T10:00:00-05:00'), reply('2026-02-10T10:20:00-05:00'), status('2026-02-10T11:00:00-05:00', 'resolved')];
    expect(conversationTimings(ev, NOW)).toEqual({ firstResponseMinutes: 20, resolutionMinutes: 60 });
    expect(conversationTimings([...ev, inbound('2026-02-10T12:00:00-05:00')], NOW)).toEqual({ firstResponseMinutes: 20, resolutionMinutes: null });
  });
});
