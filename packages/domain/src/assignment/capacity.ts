import type { ChannelKind } from '../canonical';
import type { AgentCandidate } from './agent.schema';

/** The capacity bucket a channel kind counts against for this agent. */
export function capacityBucket(agent: Pick<AgentCandidate, 'capacity'>, kind: ChannelKind): string {
  return agent.capacity[kind] !== undefined ? kind : 'default';
}

/** Open conversations counted against the bucket that `kind` falls in. */
export function loadInBucket(agent: Pick<AgentCandidate, 'capacity' | 'openByChannel'>, kind: ChannelKind): number {
  const bucket = capacityBucket(agent, kind);
  let load = 0;
  for (const [k, n] of Object.entries(agent.openByChannel)) {
    if (n !== undefined && capacityBucket(agent, k as ChannelKind) === bucket) load += n;
  }
  return load;
}

/** Free slots for one more conversation of `kind`; 0 or less means full. No bucket means no capacity. */
export function freeCapacity(agent: Pick<AgentCandidate, 'capacity' | 'openByChannel'>, kind: ChannelKind): number {
  const cap = agent.capacity[capacityBucket(agent, kind)] ?? 0;
  return cap - loadInBucket(agent, kind);
}

export function hasSkill(agent: Pick<AgentCandidate, 'skills'>, skill: string | null | undefined): boolean {
  if (!skill) return true;
  const s = skill.toLowerCase();
  return agent.skills.some((x) => x.toLowerCase() === s);
}

/** Whether the agent may take one more conversation of `kind` now (online, skilled, below capacity). */
export function canTakeConversation(agent: AgentCandidate, kind: ChannelKind, skill?: string | null): boolean {
  return agent.availability === 'online' && hasSkill(agent, skill) && freeCapacity(agent, kind) > 0;
}

/** A copy of the agent with one more (or, with delta -1, one fewer) open conversation of `kind`. */
export function withLoad(agent: AgentCandidate, kind: ChannelKind, delta: number): AgentCandidate {
  const next = Math.max(0, (agent.openByChannel[kind] ?? 0) + delta);
  return { ...agent, openByChannel: { ...agent.openByChannel, [kind]: next } };
}

/** Free slots over all of the agent's capacity buckets (0 when offline or full): how many more it can take now. */
export function totalFreeCapacity(agent: AgentCandidate): number {
  if (agent.availability !== 'online') return 0;
  let free = 0;
  for (const [bucket, cap] of Object.entries(agent.capacity)) {
    let load = 0;
    for (const [k, n] of Object.entries(agent.openByChannel)) {
      if (n !== undefined && capacityBucket(agent, k as ChannelKind) === bucket) load += n;
    }
    free += Math.max(0, cap - load);
  }
  return free;
}
