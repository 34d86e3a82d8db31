import type { ChannelKind } from '../canonical';
import type { ConversationPriority } from '../routing/priority';
import { priorityRank } from '../routing/priority';
import type { AgentCandidate, RoundRobinCursor } from './agent.schema';
import { withLoad } from './capacity';
import { pickAgent } from './pick-agent';

export interface AssignedConversation {
  id: string;
  assigneeId: string | null;
  status: 'open' | 'pending' | 'snoozed' | 'resolved';
  channelKind: ChannelKind;
  priority: ConversationPriority;
  /** Since when the customer has been waiting (ms epoch, Date or ISO); oldest goes first. */
  waitingSince: Date | string | number | null;
  skill?: string | null;
}

const ms = (t: Date | string | number | null): number => (t === null ? Number.POSITIVE_INFINITY : new Date(t).getTime());

/** Queue order: most urgent first, then longest waiting (no wait time last), then id. */
export function compareQueued(a: Pick<AssignedConversation, 'id' | 'priority' | 'waitingSince'>, b: Pick<AssignedConversation, 'id' | 'priority' | 'waitingSince'>): number {
  return priorityRank(b.priority) - priorityRank(a.priority) || ms(a.waitingSince) - ms(b.waitingSince) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Conversations to take away from an agent who went offline: open ones (the customer waits on
 * us). Pending and snoozed ones wait on the customer or a date, so they stay unless asked.
 * Ordered most urgent first, then longest waiting, so scarce capacity goes where it matters.
 */
export function conversationsToReassign(
  agentId: string,
  conversations: readonly AssignedConversation[],
  opts: { includePending?: boolean } = {},
): AssignedConversation[] {
  const statuses = new Set(opts.includePending ? ['open', 'pending', 'snoozed'] : ['open']);
  return conversations
    .filter((c) => c.assigneeId === agentId && statuses.has(c.status))
    .sort(compareQueued);
}

export interface ReassignmentPlan {
  assignments: { conversationId: string; agentId: string | null; explanation: string }[];
  cursor: RoundRobinCursor;
  /** Agents with the planned load added, for the caller's next decision. */
  agents: AgentCandidate[];
}

/** Runs auto-assignment for each conversation in order, counting each pick against capacity. */
export function planReassignment(conversations: readonly AssignedConversation[], agents: readonly AgentCandidate[], cursor: RoundRobinCursor): ReassignmentPlan {
  let pool = [...agents];
  let cur = cursor;
  const assignments: ReassignmentPlan['assignments'] = [];
  for (const c of conversations) {
    const r = pickAgent({ agents: pool, channelKind: c.channelKind, skill: c.skill ?? null, cursor: cur });
    cur = r.cursor;
    assignments.push({ conversationId: c.id, agentId: r.agentId, explanation: r.explanation });
    if (r.agentId !== null) {
      const id = r.agentId;
      pool = pool.map((a) => (a.id === id ? withLoad(a, c.channelKind, 1) : a));
    }
  }
  return { assignments, cursor: cur, agents: pool };
}
