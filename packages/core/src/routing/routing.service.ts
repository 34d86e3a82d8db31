import { type DB, type Kysely, type Updateable, type ConversationsTable } from '@earshot/db';
import {
  DEFAULT_ROUTING_RULES, EarshotError, RoutingRules, canTakeConversation, compileRules, conversationsToReassign, evaluateRules, isWithinBusinessHours, priorityRank,
  type ChannelKind, type CompiledRuleSet, type PickAgentResult, type RoutingActions, type RoutingRule,
} from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import { lockConversation, updateConversation, type ConversationRow, type MessageRow } from '../conversations/conversation.repository';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact, type Executor, type UnitOfWork } from '../shared/unit-of-work';
import { hoursFor } from '../sla/sla.repository';
import { queueTemplateReply } from './auto-reply';
import { REPEAT_CONVERSATION_DAYS } from '../ingest/contact-facts';
import { autoAssign, batchPoolAgents, lockPool, noteAssignment } from './auto-assign';
import { effectiveChannelKind } from './channel-kind';
import type { InboundBatch } from '../ingest/inbound-batch';
import { buildFacts } from './routing.facts';
import { countPriorConversations, insertRuleSet, latestRuleSet, loadCandidates, teamsOf } from './routing.repository';

const ACTOR_ID = 'routing';
const REPEAT_WINDOW_MS = REPEAT_CONVERSATION_DAYS * 86_400_000;

/** What is stored on `conversations.routing` and shown as the routing explanation. */
export interface RoutingRecord {
  ruleSetVersion: number;
  at: string;
  matched: { ruleId: string; index: number; name: string; explanation: string }[];
  team: { teamId: string | null; explanation: string } | null;
  assignment: { agentId: string | null; reason: string; explanation: string } | null;
  escalations: string[];
  incidentId: string | null;
  noResponseNeeded: boolean;
  explanation: string;
}

export interface RuleSetView { version: number; isDefault: boolean; rules: RoutingRule[]; updatedAt: string | null }

export interface InboundContext {
  conversation: ConversationRow; message: MessageRow; created: boolean; reopened: boolean;
  /** The contact was created by this message: no tags, attributes, earlier conversations or agent to look up. */
  newContact?: boolean;
  /** The conversation's contact and how many other conversations it opened in the repeat window, when the caller has read them. */
  contact?: { tags: string[]; attributes: Record<string, unknown>; vip: boolean; priorConversations: number };
  /** The message's own changes to the conversation, not written yet: written with routing's. */
  pending?: Updateable<ConversationsTable> | null;
}

/** A conversation of a worker batch to assign at the end of the batch, with its latest routing record. */
export interface QueuedAssignment { conversation: ConversationRow; channelKind: ChannelKind; actions: RoutingActions; sticky: boolean; now: Date; record: RoutingRecord }

const NEW_CONTACT = { tags: [] as string[], attributes: {} as Record<string, unknown>, vip: false };

/**
 * Routes inbound messages with the brand's rules (pure evaluation in `packages/domain`), applies
 * the actions in the ingest transaction, and keeps assignment within capacity.
 */
export class RoutingService {
  readonly #compiled = new Map<string, CompiledRuleSet>();
  readonly #defaultCompiled = compileRules(DEFAULT_ROUTING_RULES);

  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock) {}

  async #rulesInForce(uow: UnitOfWork, brandId: string): Promise<{ version: number; compiled: CompiledRuleSet }> {
    return uow.cached(`routing-rules:${brandId}`, () => this.#loadRules(uow.tx, brandId));
  }

  async #loadRules(ex: Executor, brandId: string): Promise<{ version: number; compiled: CompiledRuleSet }> {
    const head = await ex.selectFrom('routing_rule_sets').select('version').where('brand_id', '=', brandId).orderBy('version', 'desc').limit(1).executeTakeFirst();
    if (!head) return { version: 0, compiled: this.#defaultCompiled };
    const key = `${brandId}:${head.version}`;
    let compiled = this.#compiled.get(key);
    if (!compiled) {
      const set = await latestRuleSet(ex, brandId);
      compiled = compileRules(set?.rules ?? DEFAULT_ROUTING_RULES);
      this.#compiled.set(key, compiled);
    }
    return { version: head.version, compiled };
  }

  async channelKindOf(ex: Executor, channelId: string): Promise<ChannelKind> {
    const ch = await ex.selectFrom('channels').select(['kind', 'settings']).where('id', '=', channelId).executeTakeFirstOrThrow();
    return effectiveChannelKind(ch.kind, ch.settings);
  }

  /**
   * Evaluates the brand's rules for one stored inbound message (process-inbound.usecase.ts). The
   * conversation's changes (priority, team, tags, the routing record, the message's own `pending`)
   * are not written but returned as `pending`, for the caller to write with the SLA clock in one
   * statement; `conversation` is the row as it will be. In a batch an assignment is queued on the
   * batch (`assignQueued` decides it at the batch's end); alone it is decided here.
   */
  async route(uow: UnitOfWork, batch: InboundBatch | null, ctx: InboundContext): Promise<{ record: RoutingRecord; conversation: ConversationRow; pending: Updateable<ConversationsTable> }> {
    const { tx } = uow;
    const now = this.clock.now();
    const conv = ctx.conversation;
    const brandId = conv.brand_id;
    const channelKind = await uow.cached(`channel-kind:${conv.channel_id}`, () => this.channelKindOf(tx, conv.channel_id));
    const contact = ctx.contact ?? (ctx.newContact ? NEW_CONTACT
      : await tx.selectFrom('contacts').select(['tags', 'attributes', 'vip']).where('brand_id', '=', brandId).where('id', '=', conv.contact_id).executeTakeFirstOrThrow());
    const hours = await uow.cached(`hours:${brandId}:${conv.team_id ?? ''}`, () => hoursFor(tx, brandId, conv.team_id));
    const repeatContacts = ctx.contact?.priorConversations
      ?? (ctx.newContact ? 0 : await countPriorConversations(tx, brandId, conv.contact_id, conv.id, new Date(ctx.message.sent_at.getTime() - REPEAT_WINDOW_MS)));
    const facts = buildFacts({
      channelKind, visibility: ctx.message.visibility, text: ctx.message.text, triage: ctx.message.triage, followers: ctx.message.author_followers,
      contact: { tags: contact.tags, attributes: contact.attributes, vip: contact.vip }, repeatContacts, insideBusinessHours: isWithinBusinessHours(now, hours.hours),
    });
    const { version, compiled } = await this.#rulesInForce(uow, brandId);
    const ev = evaluateRules(compiled, facts);
    const a = ev.actions;

    const set: Updateable<ConversationsTable> = {};
    if (a.priority && priorityRank(a.priority) > priorityRank(conv.priority)) {
      set.priority = a.priority;
      // Recorded under the same action as a manual change: the SLA event log reads it.
      uow.record({ brandId, actorType: 'system', actorId: ACTOR_ID, action: 'conversation.priority_changed', subjectType: 'conversation', subjectId: conv.id, before: { priority: conv.priority }, after: { priority: a.priority, by: 'routing' }, at: now });
    }
    const team = conv.team_id ? null : await this.#resolveTeam(uow, brandId, a);
    if (team?.teamId) set.team_id = team.teamId;
    const newEscalation = a.escalate && !conv.tags.includes('escalated');
    const tags = [...new Set([...conv.tags, ...a.tags.map((t) => t.toLowerCase()), ...(newEscalation ? ['escalated'] : [])])].sort();
    if (tags.join('\n') !== [...conv.tags].sort().join('\n')) set.tags = tags;
    const noResponseNeeded = ctx.created && a.noResponseNeeded;
    if (noResponseNeeded) set.needs_response = false;
    // The changes are written once, with the routing record, at the end; until then they live on this copy.
    let current: ConversationRow = {
      ...conv, priority: set.priority ?? conv.priority, team_id: set.team_id ?? conv.team_id, tags: set.tags ?? conv.tags,
      needs_response: noResponseNeeded ? false : conv.needs_response,
    };

    let assignment: RoutingRecord['assignment'] = null;
    // In a worker batch the assignment waits for the end of the batch (see assignQueued).
    const queue = batch?.assignments;
    const queued = queue?.get(conv.id);
    const wantsAgent = !!a.assign && !current.assignee_id && current.status !== 'resolved';
    if (wantsAgent && !queue) {
      const r = await this.#assign(uow, current, channelKind, a, now, !ctx.newContact);
      assignment = { agentId: r.agentId, reason: r.reason, explanation: r.explanation };
      if (r.agentId) {
        current = { ...current, assignee_id: r.agentId };
        set.assignee_id = r.agentId;
      }
    }
    // Only on a new conversation: it was inserted with its counters, so ctx.pending holds none that this would race.
    if (ctx.created && a.acknowledgeTemplateId) {
      // The acknowledgement's message needs its conversation stored: a worker batch writes what it holds so far.
      await batch?.writes.flush(tx);
      await queueTemplateReply(uow, { conversation: current, templateId: a.acknowledgeTemplateId, key: `ack:${conv.id}`, actorId: ACTOR_ID, now });
    }

    const record: RoutingRecord = {
      ruleSetVersion: version, at: now.toISOString(),
      matched: ev.matched.map((m) => ({ ruleId: m.ruleId, index: m.index, name: m.name, explanation: m.explanation })),
      team, assignment, escalations: a.escalationReasons, incidentId: a.incidentId, noResponseNeeded, explanation: '',
    };
    record.explanation = explain(record);
    if (queue && (queued || wantsAgent)) {
      // The latest routing record of the conversation gets the assignment; a request to assign is never dropped.
      queue.set(conv.id, queued && !wantsAgent ? { ...queued, conversation: current, record } : { conversation: current, channelKind, actions: a, sticky: !ctx.newContact, now, record });
    }
    const pending: Updateable<ConversationsTable> = { ...ctx.pending, ...set, routing: JSON.stringify(record) };
    current = { ...current, routing: record };
    uow.record({ brandId, actorType: 'system', actorId: ACTOR_ID, action: 'conversation.routed', subjectType: 'conversation', subjectId: conv.id, after: { messageId: ctx.message.id, ruleSetVersion: version, matched: record.matched.map((m) => m.ruleId), explanation: record.explanation, changes: { ...set, tags: set.tags } }, at: now });
    if (newEscalation) {
      uow.record({ brandId, actorType: 'system', actorId: ACTOR_ID, action: 'conversation.escalated', subjectType: 'conversation', subjectId: conv.id, after: { reasons: a.escalationReasons }, at: now });
    }
    const at = now.toISOString();
    uow.onCommit(() => {
      this.bus.publish({ type: 'conversation.routed', brandId, conversationId: conv.id, at, data: { explanation: record.explanation } });
      if (newEscalation) this.bus.publish({ type: 'conversation.escalated', brandId, conversationId: conv.id, at, data: { reasons: a.escalationReasons } });
    });
    return { record, conversation: current, pending };
  }

  /** A skill names the brand's first team (by name) that has it; a team id must be the brand's. */
  async #resolveTeam(uow: UnitOfWork, brandId: string, a: RoutingActions): Promise<RoutingRecord['team']> {
    if (!a.team) return null;
    const teams = await uow.cached(`teams:${brandId}`, () => teamsOf(uow.tx, brandId));
    if ('teamId' in a.team) {
      const id = a.team.teamId;
      const t = teams.find((x) => x.id === id);
      return t ? { teamId: t.id, explanation: `team ${t.name}` } : { teamId: null, explanation: `team ${id} does not exist in this brand` };
    }
    const skill = a.team.skill.toLowerCase();
    const t = teams.find((x) => x.skills.some((s) => s.toLowerCase() === skill));
    return t ? { teamId: t.id, explanation: `team ${t.name} (skill ${skill})` } : { teamId: null, explanation: `no team has the skill ${skill}` };
  }

  /** Picks an agent for a conversation the caller writes (the assignee goes into its pending changes or the batch's row). */
  async #assign(uow: UnitOfWork, conv: ConversationRow, channelKind: ChannelKind, a: RoutingActions, now: Date, sticky: boolean): Promise<PickAgentResult> {
    const target = a.assign;
    if (target?.mode === 'agent') {
      // In a batch, the brand pool's counts include the batch's own assignments not written yet.
      const agent = (batchPoolAgents(uow, conv.brand_id, null) ?? await loadCandidates(uow.tx, conv.brand_id, null)).find((x) => x.id === target.agentId);
      if (!agent || !canTakeConversation(agent, channelKind)) {
        return { agentId: null, reason: 'all_at_capacity', explanation: `left unassigned: agent ${target.agentId} is not online or is at capacity`, cursor: { lastAgentId: null } };
      }
      noteAssignment(uow, conv.brand_id, channelKind, agent.id, null);
      uow.record({ brandId: conv.brand_id, actorType: 'system', actorId: ACTOR_ID, action: 'conversation.assigned', subjectType: 'conversation', subjectId: conv.id, before: { assigneeId: null }, after: { assigneeId: agent.id, reason: 'rule' }, at: now });
      return { agentId: agent.id, reason: 'most_free_capacity', explanation: `assigned to ${agent.id} by rule`, cursor: { lastAgentId: null } };
    }
    return autoAssign(uow, { conversation: conv, channelKind, teamId: conv.team_id, skill: target?.mode === 'auto' ? target.skill ?? null : null, sticky, deferWrite: true, actorId: ACTOR_ID, now, bus: this.bus });
  }

  /**
   * The batch's queued assignments, decided together at the end of the batch just before its rows
   * are written, so the pools' cursor and membership locks are taken for the last moments of the
   * batch only: another worker's batch for the same brand is held up for the assignments, not for
   * the whole batch. Every pool is locked and counted before the first pick (brand pool first, then
   * teams by id: one order for every worker). The assignee and the final routing record go onto the
   * batch's rows in memory, so each conversation is written once.
   */
  async assignQueued(uow: UnitOfWork, batch: InboundBatch): Promise<void> {
    const queue = batch.assignments;
    if (queue.size === 0) return;
    const pools = new Map<string, { brandId: string; teamId: string | null }>();
    for (const q of queue.values()) {
      const teamId = q.actions.assign?.mode === 'agent' ? null : q.conversation.team_id;
      pools.set(`${q.conversation.brand_id}:${teamId ?? ''}`, { brandId: q.conversation.brand_id, teamId });
    }
    for (const [, p] of [...pools].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) await lockPool(uow, p.brandId, p.teamId);
    for (const [id, q] of queue) {
      const r = await this.#assign(uow, q.conversation, q.channelKind, q.actions, q.now, q.sticky);
      q.record.assignment = { agentId: r.agentId, reason: r.reason, explanation: r.explanation };
      q.record.explanation = explain(q.record);
      const held = batch.writes.conversation(id);
      if (!held) throw new Error(`conversation ${id} was queued for assignment but is not held by the batch`);
      batch.writes.changeRow(held, { ...(r.agentId ? { assignee_id: r.agentId } : {}), routing: q.record });
    }
    queue.clear();
  }

  /** Auto-assignment for a conversation already locked by the caller (transfer, SLA escalation). */
  async reassign(uow: UnitOfWork, conv: ConversationRow, opts: { excludeAgentId?: string | null; sticky?: boolean } = {}): Promise<PickAgentResult> {
    const channelKind = await uow.cached(`channel-kind:${conv.channel_id}`, () => this.channelKindOf(uow.tx, conv.channel_id));
    return autoAssign(uow, { conversation: conv, channelKind, teamId: conv.team_id, excludeAgentId: opts.excludeAgentId ?? null, sticky: opts.sticky ?? false, actorId: ACTOR_ID, now: this.clock.now(), bus: this.bus });
  }

  /**
   * An agent went offline: their open conversations go to other available agents (most urgent and
   * longest waiting first), or back to the queue when nobody has room. Runs in the caller's transaction.
   */
  async reassignFromAgent(uow: UnitOfWork, brandId: string, agentId: string): Promise<{ moved: number; queued: number }> {
    const { tx } = uow;
    const rows = await tx.selectFrom('conversations').selectAll().where('brand_id', '=', brandId).where('assignee_id', '=', agentId).where('status', '=', 'open').orderBy('id').execute();
    const order = conversationsToReassign(agentId, await Promise.all(rows.map(async (c) => ({
      id: c.id, assigneeId: c.assignee_id, status: c.status, channelKind: await this.channelKindOf(tx, c.channel_id), priority: c.priority, waitingSince: c.waiting_since,
    }))));
    let moved = 0;
    let queued = 0;
    const now = this.clock.now();
    for (const item of order) {
      const conv = await lockConversation(tx, brandId, item.id);
      if (!conv || conv.assignee_id !== agentId) continue;
      const r = await autoAssign(uow, { conversation: conv, channelKind: item.channelKind, teamId: conv.team_id, excludeAgentId: agentId, sticky: false, actorId: ACTOR_ID, now, bus: this.bus });
      if (r.agentId) {
        moved += 1;
      } else {
        queued += 1;
        await updateConversation(tx, brandId, conv.id, { assignee_id: null });
        uow.record({ brandId, actorType: 'system', actorId: ACTOR_ID, action: 'conversation.assigned', subjectType: 'conversation', subjectId: conv.id, before: { assigneeId: agentId }, after: { assigneeId: null, reason: 'agent_offline', explanation: r.explanation }, at: now });
        uow.onCommit(() => this.bus.publish({ type: 'conversation.assigned', brandId, conversationId: conv.id, at: now.toISOString(), data: { assigneeId: null, reason: 'agent_offline' } }));
      }
    }
    return { moved, queued };
  }

  async getRules(actor: Actor): Promise<RuleSetView> {
    const set = await latestRuleSet(this.db, actor.brandId);
    if (!set) return { version: 0, isDefault: true, rules: [...DEFAULT_ROUTING_RULES], updatedAt: null };
    return { version: set.version, isDefault: false, rules: set.rules, updatedAt: set.createdAt?.toISOString() ?? null };
  }

  /** Stores a new version of the brand's rules (validated, regexes checked, team ids the brand's own). */
  async putRules(actor: Actor, input: unknown): Promise<RuleSetView> {
    const parsed = RoutingRules.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new EarshotError('EARSHOT_VALIDATION', issue?.message ?? 'invalid rules', { field: `body.rules${issue?.path.length ? `.${issue.path.join('.')}` : ''}` });
    }
    const rules = parsed.data;
    compileRules(rules); // throws EARSHOT_VALIDATION with the field path for an unsafe regex
    await transact(this.db, async (uow) => {
      await uow.tx.selectFrom('brands').select('id').where('id', '=', actor.brandId).forUpdate().executeTakeFirstOrThrow();
      const teams = new Set((await teamsOf(uow.tx, actor.brandId)).map((t) => t.id));
      rules.forEach((r, i) => r.then.forEach((act, j) => {
        if (act.type === 'set_team' && act.teamId !== undefined && !teams.has(act.teamId)) {
          throw new EarshotError('EARSHOT_VALIDATION', `team ${act.teamId} does not exist in this brand`, { field: `body.rules.${i}.then.${j}.teamId` });
        }
      }));
      const prior = await latestRuleSet(uow.tx, actor.brandId);
      const version = (prior?.version ?? 0) + 1;
      await insertRuleSet(uow.tx, actor.brandId, version, rules, actor.userId ?? null);
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'routing.rules_updated', subjectType: 'routing_rules', subjectId: String(version), before: { version: prior?.version ?? 0, ruleIds: (prior?.rules ?? DEFAULT_ROUTING_RULES).map((r) => r.id) }, after: { version, ruleIds: rules.map((r) => r.id) }, at: this.clock.now() });
    });
    return this.getRules(actor);
  }
}

/** The routing record's one-line explanation, from its parts (also rebuilt when a queued conversation is assigned later). */
export function explain(r: RoutingRecord): string {
  const parts = r.matched.length ? r.matched.map((m) => m.explanation) : ['no rule matched'];
  if (r.team) parts.push(`routed to ${r.team.explanation}`);
  if (r.assignment) parts.push(r.assignment.explanation);
  return parts.join('; ');
}
