import { z } from 'zod';
import {
  DEFAULT_ROUTING_RULES, assignTargetOf, canTakeConversation, compareQueued, pickAgent, totalFreeCapacity, withLoad,
  type AgentCandidate, type AssignTarget, type ChannelKind, type RoutingRule,
} from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import { updateConversation } from '../conversations/conversation.repository';
import type { UnitOfWork } from '../shared/unit-of-work';
import { lockPool, noteAssignment } from './auto-assign';
import { lockCursor, lockWaitingConversations, ruleSetAt, saveCursor, teamIdsOfAgent, type WaitingConversation } from './routing.repository';
import { explain, type RoutingRecord } from './routing.service';

const ACTOR_ID = 'routing';
/** At most this many assignments per change, whatever the freed capacity (an agent coming online with 500 slots). */
export const MAX_ASSIGNED_PER_CHANGE = 50;
/** Conversations read past the freed capacity, so a head of the queue nobody can take (a skill nobody online has) does not stop the rest. */
const LOOKAHEAD = 20;

/** The part of a stored routing record this reads; older or foreign records are left in the queue. */
const StoredRouting = z.object({
  ruleSetVersion: z.number().int().nonnegative(),
  matched: z.array(z.object({ ruleId: z.string(), index: z.number().int().nonnegative() }).loose()),
  assignment: z.object({ agentId: z.string().nullable(), reason: z.string(), explanation: z.string() }).loose(),
}).loose();

export interface AssignWaitingInput {
  brandId: string;
  /** The agent whose capacity freed or grew: the pools are the brand's and this agent's teams', filled up to this agent's free slots. */
  agentId: string;
  /** More teams to lock with the others, in the one lock order (a transfer's new team, assigned by the caller right after). */
  teamIds?: readonly string[];
  /** Conversations the caller deals with itself. */
  excludeConversationIds?: readonly string[];
  /** This conversation was just taken from `agentId`: it may go to another agent, never straight back. */
  handedBack?: string | null;
  /** The audit reason. */
  reason?: string;
  now: Date;
  bus: EventBus;
}

type Pool = Awaited<ReturnType<typeof lockPool>>;

/**
 * Locks the round-robin cursors of the brand's pool and of these teams' pools (brand first, then
 * teams by id, the order of the worker's batched assignments), and only then their members' rows:
 * holding no member's row while waiting for a cursor, this cannot deadlock with an assignment
 * that holds a cursor and waits for a member. A change that locks a membership row itself
 * (availability, capacity) takes these first for the same reason.
 */
export async function lockPools(uow: UnitOfWork, brandId: string, teamIds: readonly string[]): Promise<{ brand: Pool; teams: Map<string, Pool> }> {
  const sorted = [...new Set(teamIds)].sort();
  for (const scope of ['brand', ...sorted]) await lockCursor(uow.tx, brandId, scope);
  const brand = await lockPool(uow, brandId, null);
  const teams = new Map<string, Pool>();
  for (const t of sorted) teams.set(t, await lockPool(uow, brandId, t));
  return { brand, teams };
}

/** The pools an agent's freed capacity can serve: the brand's, and each of the agent's teams'. */
export async function lockPoolsOfAgent(uow: UnitOfWork, brandId: string, agentId: string, extraTeamIds: readonly string[] = []): Promise<{ brand: Pool; teams: Map<string, Pool> }> {
  return lockPools(uow, brandId, [...await teamIdsOfAgent(uow.tx, brandId, agentId), ...extraTeamIds]);
}

/**
 * Keeps the queue flowing: when an agent's capacity frees (they resolved or snoozed a conversation,
 * it was unassigned or transferred away, they came online, got more capacity or a new skill),
 * conversations waiting in the queue are assigned, most urgent then longest waiting first, in the
 * caller's transaction. Only conversations whose routing asked for an assignment are taken (their
 * routing record has an `assignment`), each with the target its rules asked for (a named agent,
 * or auto with a skill), from its team's pool or the brand's. The pools are locked as `autoAssign`
 * locks them, so concurrent assignments see each other and nobody goes over capacity; the choice
 * is `pickAgent`'s. At most the agent's free slots (and MAX_ASSIGNED_PER_CHANGE) are filled, from
 * one indexed read of each pool's head. Desk events go out after commit.
 */
export async function assignWaiting(uow: UnitOfWork, input: AssignWaitingInput): Promise<{ assigned: { conversationId: string; agentId: string }[] }> {
  const { tx } = uow;
  const { brandId, now } = input;
  const pools = await lockPoolsOfAgent(uow, brandId, input.agentId, input.teamIds ?? []);
  const freed = pools.brand.agents.find((a) => a.id === input.agentId);
  const limit = Math.min(freed ? totalFreeCapacity(freed) : 0, MAX_ASSIGNED_PER_CHANGE);
  const assigned: { conversationId: string; agentId: string }[] = [];
  if (limit === 0) return { assigned };

  const waiting = (await lockWaitingConversations(tx, brandId, [null, ...pools.teams.keys()], limit + LOOKAHEAD, input.excludeConversationIds ?? []))
    .sort((a, b) => compareQueued(queued(a), queued(b)));
  const rules = new Map<number, readonly RoutingRule[] | null>();
  const held = [pools.brand, ...pools.teams.values()];
  for (const w of waiting) {
    if (assigned.length >= limit) break;
    const c = w.conversation;
    const record = StoredRouting.safeParse(c.routing);
    if (!record.success) continue;
    const version = record.data.ruleSetVersion;
    if (!rules.has(version)) rules.set(version, version === 0 ? DEFAULT_ROUTING_RULES : await ruleSetAt(tx, brandId, version));
    const stored = rules.get(version);
    // The record says an assignment was asked for; without its rules to replay, any agent of the pool will do.
    const target: AssignTarget = (stored ? assignTargetOf(stored, record.data.matched) : null) ?? { mode: 'auto' };
    const pool = target.mode === 'agent' || !c.team_id ? pools.brand : pools.teams.get(c.team_id);
    if (!pool) continue;
    const agents = c.id === input.handedBack ? pool.agents.filter((a) => a.id !== input.agentId) : pool.agents;
    const pick = choose(agents, w.channelKind, target, pool);
    if (!pick) continue;
    const to = pick.agentId;
    const assignment = { agentId: to, reason: 'capacity_freed', explanation: `assigned to ${to} when capacity freed, after waiting in the queue: ${pick.explanation}` };
    const next = { ...(c.routing as RoutingRecord), assignment };
    next.explanation = explain(next);
    await updateConversation(tx, brandId, c.id, { assignee_id: to, routing: JSON.stringify(next) });
    countAssignment(uow, held, brandId, w.channelKind, to);
    uow.record({ brandId, actorType: 'system', actorId: ACTOR_ID, action: 'conversation.assigned', subjectType: 'conversation', subjectId: c.id, before: { assigneeId: null }, after: { assigneeId: to, reason: input.reason ?? 'capacity_freed', explanation: assignment.explanation }, at: now });
    const at = now.toISOString();
    uow.onCommit(() => input.bus.publish({ type: 'conversation.assigned', brandId, conversationId: c.id, userId: to, at, data: { assigneeId: to, reason: input.reason ?? 'capacity_freed' } }));
    assigned.push({ conversationId: c.id, agentId: to });
  }
  // Inside a worker batch lockPool's pools are saved at the end of the batch.
  if (!uow.batch) {
    for (const [scope, p] of [['brand', pools.brand] as const, ...pools.teams.entries()]) {
      if (p.lastAgentId !== p.saved) await saveCursor(tx, brandId, scope, p.lastAgentId);
    }
  }
  return { assigned };
}

function queued(w: WaitingConversation): { id: string; priority: WaitingConversation['conversation']['priority']; waitingSince: Date | string } {
  return { id: w.conversation.id, priority: w.conversation.priority, waitingSince: w.conversation.waiting_since ?? w.conversation.created_at };
}

/** The agent for one waiting conversation, or null when nobody who may take it has room. */
function choose(agents: readonly AgentCandidate[], kind: ChannelKind, target: AssignTarget, pool: Pool): { agentId: string; explanation: string } | null {
  if (target.mode === 'agent') {
    const named = agents.find((a) => a.id === target.agentId);
    return named && canTakeConversation(named, kind) ? { agentId: named.id, explanation: 'the agent its rules name has room' } : null;
  }
  const r = pickAgent({ agents, channelKind: kind, skill: target.skill ?? null, previousAgentId: null, cursor: { lastAgentId: pool.lastAgentId } });
  pool.lastAgentId = r.cursor.lastAgentId;
  return r.agentId ? { agentId: r.agentId, explanation: r.explanation } : null;
}

/** The new load, in every pool this holds (an agent is in the brand's pool and in their teams'). */
function countAssignment(uow: UnitOfWork, held: Pool[], brandId: string, kind: ChannelKind, to: string): void {
  // A worker batch's pools are the batch's: noteAssignment counts it in each of them once.
  if (uow.batch) return noteAssignment(uow, brandId, kind, to, null);
  for (const p of held) p.agents = p.agents.map((a) => (a.id === to ? withLoad(a, kind, 1) : a));
}
