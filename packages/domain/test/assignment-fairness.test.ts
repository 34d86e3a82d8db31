import { describe, expect, it } from 'vitest';
import type { ChannelKind } from '../src';
import { AgentCandidate, EMPTY_CURSOR, type RoundRobinCursor, freeCapacity, loadInBucket, pickAgent, withLoad } from '../src';
import { prng } from './prng';

const KINDS: ChannelKind[] = ['x', 'facebook', 'email', 'webchat'];

interface Sim {
  assignedTotal: Map<string, number>;
  unassigned: number;
  capacityViolations: number;
  notMostFree: number;
  /** Largest difference in open load between two online agents seen right after a decision. */
  maxLoadSpread: number;
}

/** Simulates 10,000 arrivals with random resolutions; checks invariants after every decision. */
function simulate(agentsIn: AgentCandidate[], seed: number, opts: { skills?: string[]; resolveP: number }): Sim {
  const rnd = prng(seed);
  let agents = agentsIn;
  let cursor: RoundRobinCursor = EMPTY_CURSOR;
  const open: { agentId: string; kind: ChannelKind }[] = [];
  const sim: Sim = { assignedTotal: new Map(agents.map((a) => [a.id, 0])), unassigned: 0, capacityViolations: 0, notMostFree: 0, maxLoadSpread: 0 };
  for (let i = 0; i < 10_000; i += 1) {
    // Random resolution: each open conversation closes with probability resolveP per arrival.
    for (let j = open.length - 1; j >= 0; j -= 1) {
      if (rnd() < opts.resolveP) {
        const [done] = open.splice(j, 1);
        if (done) agents = agents.map((a) => (a.id === done.agentId ? withLoad(a, done.kind, -1) : a));
      }
    }
    const kind = KINDS[Math.floor(rnd() * KINDS.length)] ?? 'x';
    const skill = opts.skills ? (opts.skills[Math.floor(rnd() * opts.skills.length)] ?? null) : null;
    const r = pickAgent({ agents, channelKind: kind, skill, cursor });
    cursor = r.cursor;
    if (r.agentId === null) {
      sim.unassigned += 1;
      continue;
    }
    const eligible = agents.filter((a) => a.availability === 'online' && (!skill || a.skills.includes(skill)));
    const maxFree = Math.max(...eligible.map((a) => freeCapacity(a, kind)));
    const chosen = agents.find((a) => a.id === r.agentId);
    if (!chosen || freeCapacity(chosen, kind) !== maxFree) sim.notMostFree += 1;
    agents = agents.map((a) => (a.id === r.agentId ? withLoad(a, kind, 1) : a));
    open.push({ agentId: r.agentId, kind });
    sim.assignedTotal.set(r.agentId, (sim.assignedTotal.get(r.agentId) ?? 0) + 1);
    const loads = agents.filter((a) => a.availability === 'online').map((a) => Object.values(a.openByChannel).reduce((x, y) => x + (y ?? 0), 0));
    sim.maxLoadSpread = Math.max(sim.maxLoadSpread, Math.max(...loads) - Math.min(...loads));
    for (const a of agents) {
      for (const k of KINDS) if (loadInBucket(a, k) > (a.capacity[a.capacity[k] !== undefined ? k : 'default'] ?? 0)) sim.capacityViolations += 1;
    }
  }
  return sim;
}

describe('auto-assignment fairness (50 agents, 10,000 conversations)', () => {
  it('spreads load evenly among equal agents and never exceeds capacity', () => {
    const agents = Array.from({ length: 50 }, (_, i) => AgentCandidate.parse({ id: `agent-${String(i).padStart(2, '0')}`, availability: 'online', capacity: { default: 6 } }));
    const sim = simulate(agents, 42, { resolveP: 0.004 });
    const totals = [...sim.assignedTotal.values()];
    expect(sim.capacityViolations).toBe(0);
    expect(sim.notMostFree).toBe(0);
    expect(totals.reduce((a, b) => a + b, 0) + sim.unassigned).toBe(10_000);
    // Steady state has ~250 open conversations on 300 seats: some arrivals wait, most are assigned.
    expect(sim.unassigned).toBeLessThan(2_000);
    // Right after every decision, open loads of equal agents differ by at most 3 (resolutions are
    // random, so a perfect 1 is impossible); always picking the first agent would fill it to 6.
    expect(sim.maxLoadSpread).toBeLessThanOrEqual(3);
    // Over the whole run each agent took within ±20% of the mean (random resolutions add noise).
    const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
    expect(Math.max(...totals)).toBeLessThanOrEqual(mean * 1.2);
    expect(Math.min(...totals)).toBeGreaterThanOrEqual(mean * 0.8);
  });

  it('respects per-channel capacities, skills and availability under mixed load', () => {
    const rnd = prng(7);
    const skills = ['billing', 'technical', 'general'];
    const agents = Array.from({ length: 50 }, (_, i) =>
      AgentCandidate.parse({
        id: `agent-${String(i).padStart(2, '0')}`,
        availability: i % 10 === 9 ? 'offline' : 'online',
        skills: skills.filter(() => rnd() < 0.6),
        capacity: { default: 3 + Math.floor(rnd() * 8), x: 1 + Math.floor(rnd() * 3) },
      }),
    );
    // Busy enough that agents fill up: most-free-capacity is absolute, so a small-capacity agent
    // only gets work once bigger ones are as full (see ADR 0005).
    const sim = simulate(agents, 99, { skills, resolveP: 0.003 });
    expect(sim.capacityViolations).toBe(0);
    expect(sim.notMostFree).toBe(0);
    for (const a of agents.filter((x) => x.availability === 'offline')) expect(sim.assignedTotal.get(a.id)).toBe(0);
    expect(sim.unassigned).toBeGreaterThan(0);
    // Every online agent with at least one skill took work.
    for (const a of agents.filter((x) => x.availability === 'online' && x.skills.length > 0)) expect(sim.assignedTotal.get(a.id)).toBeGreaterThan(0);
  });
});
