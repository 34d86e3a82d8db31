import { pickAgent, withLoad, type AgentCandidate, type ChannelKind, type PickAgentResult } from '@earshot/domain';
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
  /** Do not write the assignee: the caller writes it with its own changes to the conversation. */
  deferWrite?: boolean;
  actorId: string;
  now: Date;
  bus: EventBus;
}

/** The candidates of a pool this batch has locked, with the batch's assignments counted (undefined when it has not). */
export function batchPoolAgents(uow: UnitOfWork, brandId: string, teamId: string | null): AgentCandidate[] | undefined {
  return uow.batch?.pools.get(poolKey(brandId, teamId ?? 'brand'))?.agents;
}

/** One pool's cursor and candidates, locked once per worker batch and kept current in memory. */
export interface Pool { brandId: string; lastAgentId: string | null; saved: string | null; agents: AgentCandidate[] }

const poolKey = (brandId: string, scope: string) => `${brandId}:${scope}`;

/**
 * The pool's round-robin cursor and its candidates' membership rows, locked. Inside a worker batch
 * they are locked and counted once, the batch's own assignments are added to the counts here, and
 * the cursor is written once at the end; the locks are held until the batch commits either way, so
 * a concurrent assignment still sees every one of them.
 */
export async function lockPool(uow: UnitOfWork, brandId: string, teamId: string | null): Promise<Pool> {
  const scope = teamId ?? 'brand';
  const key = poolKey(brandId, scope);
  const batch = uow.batch;
  const known = batch?.pools.get(key);
  if (known) return known;
  const lastAgentId = await lockCursor(uow.tx, brandId, scope);
  const pool: Pool = { brandId, lastAgentId, saved: lastAgentId, agents: await loadCandidates(uow.tx, brandId, teamId, { lock: true }) };
  if (batch) {
    batch.pools.set(key, pool);
    batch.beforeCommit(`pool:${key}`, async (root) => {
      if (pool.lastAgentId !== pool.saved) await saveCursor(root.tx, brandId, scope, pool.lastAgentId);
    });
  }
  return pool;
}

/**
 * Counts an assignment made in this batch in every pool of the brand the batch has locked (an
 * agent can be in the brand's pool and in a team's), so the next pick sees the agent's new load.
 */
export function noteAssignment(uow: UnitOfWork, brandId: string, kind: ChannelKind, to: string, from: string | null): void {
  for (const pool of uow.batch?.pools.values() ?? []) {
    if (pool.brandId !== brandId) continue;
    pool.agents = pool.agents.map((a) => (a.id === to ? withLoad(a, kind, 1) : a.id === from ? withLoad(a, kind, -1) : a));
  }
}

/**
 * Auto-assignment inside the caller's transaction: the pool's cursor row and the candidates'
 * membership rows are locked first, so concurrent assignments see each other's load and nobody
 * is ever given more open conversations than their capacity. The decision is `pickAgent`'s.
 */
export async function autoAssign(uow: UnitOfWork, input: AutoAssignInput): Promise<PickAgentResult> {
  const { tx } = uow;
  const c = input.conversation;
  const pool = await lockPool(uow, c.brand_id, input.teamId);
  const agents = input.excludeAgentId ? pool.agents.filter((a) => a.id !== input.excludeAgentId) : pool.agents;
  // Only an online agent can take it, so without one there is no previous agent worth looking up.
  const previousAgentId = input.sticky === false || !agents.some((a) => a.availability === 'online') ? null : await previousAgentOf(tx, c.brand_id, c.contact_id, c.id);
  const r = pickAgent({ agents, channelKind: input.channelKind, skill: input.skill ?? null, previousAgentId, cursor: { lastAgentId: pool.lastAgentId } });
  pool.lastAgentId = r.cursor.lastAgentId;
  if (!uow.batch && pool.lastAgentId !== pool.saved) await saveCursor(tx, c.brand_id, input.teamId ?? 'brand', pool.lastAgentId);
  if (r.agentId && r.agentId !== c.assignee_id) {
    const to = r.agentId;
    noteAssignment(uow, c.brand_id, input.channelKind, to, c.assignee_id);
    if (!input.deferWrite) await updateConversation(tx, c.brand_id, c.id, { assignee_id: to });
    uow.record({ brandId: c.brand_id, actorType: 'system', actorId: input.actorId, action: 'conversation.assigned', subjectType: 'conversation', subjectId: c.id, before: { assigneeId: c.assignee_id }, after: { assigneeId: to, reason: r.reason, explanation: r.explanation }, at: input.now });
    const at = input.now.toISOString();
    uow.onCommit(() => input.bus.publish({ type: 'conversation.assigned', brandId: c.brand_id, conversationId: c.id, userId: to, at, data: { assigneeId: to, reason: r.reason } }));
  }
  return r;
}
