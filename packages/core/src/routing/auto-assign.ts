import { pickAgent, type ChannelKind, type PickAgentResult } from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import type { ConversationRow } from '../conversations/conversation.repository';
import { updateConversation } from '../conversations/conversation.repository';
import type { UnitOfWork } from '../shared/unit-of-work';
import { loadCandidates, lockCursor, previousAgentOf, saveCursor } from './routing.repository';

export interface AutoAssignInput {
  conversation: ConversationRow;
  channelKind: ChannelKind;
  /** The pool: this team's members, or every working member of the brand when null. */
  teamId: string | null;
  skill?: string | null;
  /** Never pick this agent (the one going offline, or being escalated away from). */
  excludeAgentId?: string | null;
  /** Sticky: prefer the contact's previous agent. Off for reassignment away from an agent. */
  sticky?: boolean;
  actorId: string;
  now: Date;
  bus: EventBus;
}

/**
 * Auto-assignment inside the caller's transaction: the pool's cursor row and the candidates'
 * membership rows are locked first, so concurrent assignments see each other's load and nobody
 * is ever given more open conversations than their capacity. The decision is `pickAgent`'s.
 */
export async function autoAssign(uow: UnitOfWork, input: AutoAssignInput): Promise<PickAgentResult> {
  const { tx } = uow;
  const c = input.conversation;
  const scope = input.teamId ?? 'brand';
  const lastAgentId = await lockCursor(tx, c.brand_id, scope);
  let agents = await loadCandidates(tx, c.brand_id, input.teamId, { lock: true });
  if (input.excludeAgentId) agents = agents.filter((a) => a.id !== input.excludeAgentId);
  // Only an online agent can take it, so without one there is no previous agent worth looking up.
  const previousAgentId = input.sticky === false || !agents.some((a) => a.availability === 'online') ? null : await previousAgentOf(tx, c.brand_id, c.contact_id, c.id);
  const r = pickAgent({ agents, channelKind: input.channelKind, skill: input.skill ?? null, previousAgentId, cursor: { lastAgentId } });
  if (r.cursor.lastAgentId !== lastAgentId) await saveCursor(tx, c.brand_id, scope, r.cursor.lastAgentId);
  if (r.agentId && r.agentId !== c.assignee_id) {
    await updateConversation(tx, c.brand_id, c.id, { assignee_id: r.agentId });
    uow.record({ brandId: c.brand_id, actorType: 'system', actorId: input.actorId, action: 'conversation.assigned', subjectType: 'conversation', subjectId: c.id, before: { assigneeId: c.assignee_id }, after: { assigneeId: r.agentId, reason: r.reason, explanation: r.explanation }, at: input.now });
    const at = input.now.toISOString();
    const agentId = r.agentId;
    uow.onCommit(() => input.bus.publish({ type: 'conversation.assigned', brandId: c.brand_id, conversationId: c.id, userId: agentId, at, data: { assigneeId: agentId, reason: r.reason } }));
  }
  return r;
}
