import type { ChannelKind } from '../canonical';
import type { AgentCandidate, RoundRobinCursor } from './agent.schema';
import { canTakeConversation, freeCapacity, hasSkill } from './capacity';

export interface PickAgentInput {
  agents: readonly AgentCandidate[];
  channelKind: ChannelKind;
  /** Skill the conversation needs (from the team or the rule); none means any agent. */
  skill?: string | null;
  /** The agent who last handled this contact: kept when still able to take it (sticky). */
  previousAgentId?: string | null;
  cursor: RoundRobinCursor;
}

export type PickReason = 'sticky' | 'most_free_capacity' | 'no_agent_online' | 'no_agent_with_skill' | 'all_at_capacity';

export interface PickAgentResult {
  /** null: nobody can take it now; it stays unassigned in the team queue. */
  agentId: string | null;
  reason: PickReason;
  explanation: string;
  /** Store and pass back next time; unchanged when nobody (or the sticky agent) was picked. */
  cursor: RoundRobinCursor;
}

/**
 * Picks the online agent with the needed skill and the most free capacity for this channel kind;
 * ties go round-robin in id order after the last assigned agent. Never picks a full agent.
 */
export function pickAgent(input: PickAgentInput): PickAgentResult {
  const { agents, channelKind, skill, previousAgentId, cursor } = input;
  if (previousAgentId) {
    const prev = agents.find((a) => a.id === previousAgentId);
    if (prev && canTakeConversation(prev, channelKind, skill)) {
      return { agentId: prev.id, reason: 'sticky', explanation: `kept ${prev.id}, who handled this contact before and has free capacity`, cursor };
    }
  }
  const online = agents.filter((a) => a.availability === 'online');
  if (online.length === 0) return none('no_agent_online', 'no agent is online', cursor);
  const skilled = online.filter((a) => hasSkill(a, skill));
  if (skilled.length === 0) return none('no_agent_with_skill', `no online agent has the skill '${skill ?? ''}'`, cursor);

  let best = 0;
  let tied: AgentCandidate[] = [];
  for (const a of skilled) {
    const free = freeCapacity(a, channelKind);
    if (free > best) {
      best = free;
      tied = [a];
    } else if (free === best && free > 0) {
      tied.push(a);
    }
  }
  if (tied.length === 0) return none('all_at_capacity', `every online agent${skill ? ` with skill '${skill}'` : ''} is at capacity for ${channelKind}`, cursor);

  tied.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const last = cursor.lastAgentId;
  const chosen = (last === null ? undefined : tied.find((a) => a.id > last)) ?? tied[0];
  if (!chosen) return none('all_at_capacity', 'no candidate', cursor);
  const among = tied.length > 1 ? `, round-robin among ${tied.length} equally free agents` : '';
  return {
    agentId: chosen.id,
    reason: 'most_free_capacity',
    explanation: `assigned to ${chosen.id} with ${best} free ${channelKind} slot${best === 1 ? '' : 's'}${among}`,
    cursor: { lastAgentId: chosen.id },
  };
}

function none(reason: PickReason, explanation: string, cursor: RoundRobinCursor): PickAgentResult {
  return { agentId: null, reason, explanation: `left unassigned: ${explanation}`, cursor };
}
