import type { ConversationsTable, DB, Kysely, Updateable } from '@earshot/db';
import {
  BusinessHours, EarshotError, SlaPolicy, conversationTimings, decideEscalations, previewDueTimes, responsePercentilesByChannel, slaCompliance,
  type ChannelFairnessRow, type ChannelKind, type ComplianceGroupBy, type ComplianceRow, type SlaClock, type SlaEvent, type SlaMetric,
} from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import { updateConversation, type ConversationRow, type MessageRow } from '../conversations/conversation.repository';
import type { RoutingService } from '../routing/routing.service';
import { queueTemplateReply } from '../routing/auto-reply';
import { effectiveChannelKind } from '../routing/channel-kind';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { ReadCache, transact, type Executor, type UnitOfWork } from '../shared/unit-of-work';
import { clockFor, columnsOf, NO_SLA, transitionKeys, type SlaColumns } from './sla.clock';
import { buildSlaEvents, loadLogs, pendingAudit, PRIORITY_ACTION } from './sla.events';
import { hoursFor, ownHours, ownPolicy, policyFor, saveHours, savePolicy, teamExists, type HoursInForce, type PolicyInForce } from './sla.repository';
import { releaseJobKey, scheduleSlaEvaluation, scheduleSlaEvaluationIn } from './sla.schedule';

const ACTOR_ID = 'sla';
const LOCKED_RETRY_MS = 5_000;

type Logs = Awaited<ReturnType<typeof loadLogs>>;
interface Computed { clock: SlaClock; events: SlaEvent[]; policy: PolicyInForce; columns: SlaColumns }

export interface PolicyView { teamId: string | null; version: number; isDefault: boolean; policy: SlaPolicy }
export interface HoursView { teamId: string | null; isDefault: boolean; hours: BusinessHours }
/** What the caller already holds, to save reading it again (the ingest path passes both). */
export interface RefreshHints {
  /** The conversation row as the caller just wrote it in this transaction. */
  conversation?: ConversationRow;
  /** The conversation was created in this transaction with this one message. */
  createdWith?: MessageRow;
  /** Changes the caller has not written yet (`conversation` already shows them): written with the clock. */
  alsoSet?: Updateable<ConversationsTable> | null;
}
export interface RecomputeResult { conversations: number; changed: number }

/** Policy and hours per team, loaded once per batch (a recompute) or per worker batch (the unit of work's read cache). */
class Scope {
  readonly #cache: Pick<UnitOfWork, 'cached'>;
  constructor(private readonly ex: Executor, private readonly brandId: string, uow?: UnitOfWork) {
    const own = new ReadCache();
    this.#cache = uow ?? { cached: (key, load) => own.get(key, load) };
  }
  policy(teamId: string | null): Promise<PolicyInForce> {
    return this.#cache.cached(`sla-policy:${this.brandId}:${teamId ?? ''}`, () => policyFor(this.ex, this.brandId, teamId));
  }
  hours(teamId: string | null): Promise<HoursInForce> {
    return this.#cache.cached(`hours:${this.brandId}:${teamId ?? ''}`, () => hoursFor(this.ex, this.brandId, teamId));
  }
}

/**
 * SLA clocks of conversations: computed from the conversation's event log (messages + audit
 * trail) with the pure `computeSlaClock`, stored on the conversation, re-evaluated by the
 * `sla.evaluate` job when the state changes by time alone, and recomputed after a policy change.
 */
export class SlaService {
  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock, private readonly routing: RoutingService) {}

  /** The clock of one conversation from its log; null when it needs no response (no deadlines). */
  async #compute(scope: Scope, conv: ConversationRow, channelKind: ChannelKind, logs: Logs, now: Date): Promise<Computed | null> {
    if (!conv.needs_response && conv.first_reply_at === null) return null;
    const policy = await scope.policy(conv.team_id);
    const hours = await scope.hours(conv.team_id);
    const events = buildSlaEvents({ id: conv.id, created_at: conv.created_at, channelKind }, logs.messages, logs.audit);
    let clock = clockFor(events, policy.policy, hours.hours, now);
    // A change made earlier in the same job batch is not in the audit table yet: the row is the truth.
    if (clock.priority !== conv.priority) events.push({ type: 'priority_changed', at: now, priority: conv.priority });
    if (clock.status !== conv.status) events.push({ type: 'status_changed', at: now, status: conv.status });
    if (events.length > 0 && (clock.priority !== conv.priority || clock.status !== conv.status)) clock = clockFor(events, policy.policy, hours.hours, now);
    return { clock, events, policy, columns: columnsOf(clock, policy.label) };
  }

  async #store(ex: Executor, conv: ConversationRow, c: Computed | null, now: Date, alsoSet: Updateable<ConversationsTable> | null = null, uow?: UnitOfWork): Promise<ConversationRow> {
    const cols = c ? c.columns : NO_SLA;
    // In an ingest batch the conversation is held by the batch: its changes are written at the end,
    // with the others'; the clock goes on the row as it is (serialised once, when the batch writes).
    const writes = uow?.batch?.inbound?.writes;
    if (writes?.conversation(conv.id)) return writes.changeRow(writes.change(conv, { ...alsoSet, ...cols, sla_evaluated_at: now }), { sla_clock: c ? c.clock : null });
    return updateConversation(ex, conv.brand_id, conv.id, { ...alsoSet, ...cols, sla_clock: c ? JSON.stringify(c.clock) : null, sla_evaluated_at: now });
  }

  async #channelKind(ex: Executor, channelId: string): Promise<ChannelKind> {
    const ch = await ex.selectFrom('channels').select(['kind', 'settings']).where('id', '=', channelId).executeTakeFirstOrThrow();
    return effectiveChannelKind(ch.kind, ch.settings);
  }

  async #liveCompute(uow: UnitOfWork, conv: ConversationRow, now: Date, createdWith?: MessageRow): Promise<Computed | null> {
    // A conversation created in this transaction has one message and no stored audit rows yet.
    // An ingest batch holds the log of each of its conversations (read up front, kept current by its messages and audit entries).
    const writes = uow.batch?.inbound?.writes;
    const held = writes?.slaLog(conv.id);
    if (held) writes?.noteAudit(conv.id, uow.audit);
    const logs = held ? { messages: [...held.messages], audit: [...held.audit] }
      : createdWith ? { messages: [createdWith], audit: [] } : await loadLogs(uow.tx, conv.brand_id, [conv.id]);
    if (!held) logs.audit.push(...pendingAudit(uow.audit, conv.id));
    const channelKind = await uow.cached(`channel-kind:${conv.channel_id}`, () => this.#channelKind(uow.tx, conv.channel_id));
    return this.#compute(new Scope(uow.tx, conv.brand_id, uow), conv, channelKind, logs, now);
  }

  /**
   * After a change to a conversation (inbound, reply, status, priority, transfer): recompute and
   * store its clock, and schedule `sla.evaluate` for the next time-driven change — now, if a
   * warning or breach is due and not yet raised. Call inside the change's transaction.
   */
  async refresh(uow: UnitOfWork, brandId: string, conversationId: string, known: RefreshHints = {}): Promise<SlaClock | null> {
    const conv = known.conversation ?? await uow.tx.selectFrom('conversations').selectAll().where('brand_id', '=', brandId).where('id', '=', conversationId).executeTakeFirst();
    if (!conv) return null;
    const now = this.clock.now();
    const c = await this.#liveCompute(uow, conv, now, known.createdWith);
    await this.#store(uow.tx, conv, c, now, known.alsoSet ?? null, uow);
    if (!c) return null;
    const raised = new Set(conv.sla_raised);
    const due = transitionKeys(c.clock).some((t) => !raised.has(t.key)) ? now : c.clock.nextEvaluationAt;
    if (due) await scheduleSlaEvaluationIn(uow, brandId, conversationId, due, this.clock);
    return c.clock;
  }

  /** The `sla.evaluate` job: raise warnings and breaches, run escalations once each, reschedule. */
  async evaluate(uow: UnitOfWork, brandId: string, conversationId: string, jobId: string): Promise<void> {
    const { tx } = uow;
    await releaseJobKey(tx, jobId);
    const now = this.clock.now();
    // Skip a conversation another transaction holds (it reschedules us), rather than risk a lock cycle with the job row.
    const conv = await tx.selectFrom('conversations').selectAll().where('brand_id', '=', brandId).where('id', '=', conversationId).forUpdate().skipLocked().executeTakeFirst();
    if (!conv) {
      const exists = await tx.selectFrom('conversations').select('id').where('brand_id', '=', brandId).where('id', '=', conversationId).executeTakeFirst();
      if (exists) await scheduleSlaEvaluationIn(uow, brandId, conversationId, new Date(now.getTime() + LOCKED_RETRY_MS), this.clock);
      return;
    }
    const c = await this.#liveCompute(uow, conv, now);
    if (!c) {
      await this.#store(tx, conv, null, now);
      return;
    }
    const raised = new Set(conv.sla_raised);
    const at = now.toISOString();
    for (const t of transitionKeys(c.clock)) {
      if (raised.has(t.key)) continue;
      raised.add(t.key);
      if (t.level === 'breach') raised.add(t.key.replace(/:breached$/, ':warned')); // a late warning would be noise
      const type = t.level === 'breach' ? 'sla.breached' : 'sla.warning';
      const data = { metric: t.metric, dueAt: t.dueAt?.toISOString() ?? null, policy: c.policy.label };
      uow.record({ brandId, actorType: 'system', actorId: ACTOR_ID, action: type, subjectType: 'conversation', subjectId: conv.id, after: data, at: now });
      uow.onCommit(() => this.bus.publish({ type, brandId, conversationId: conv.id, at, data }));
    }
    let current = conv;
    const pending: Updateable<ConversationsTable> = {};
    for (const d of decideEscalations(c.clock, c.policy.policy, raised)) {
      raised.add(d.key);
      const r = await this.#escalate(uow, current, d, now);
      current = r.conversation;
      Object.assign(pending, r.pending);
    }
    // The raised marks and escalated priority are written with the new clock, in one statement.
    const sla_raised = [...raised].sort();
    await this.refresh(uow, brandId, conv.id, { conversation: { ...current, sla_raised }, alsoSet: { ...pending, sla_raised } });
  }

  /** Runs one escalation; a priority change is returned in `pending` for the caller to write with the clock. */
  async #escalate(uow: UnitOfWork, conv: ConversationRow, d: ReturnType<typeof decideEscalations>[number], now: Date): Promise<{ conversation: ConversationRow; pending: Updateable<ConversationsTable> }> {
    const brandId = conv.brand_id;
    const at = now.toISOString();
    const base = { metric: d.metric, level: d.level, action: d.type };
    let detail: Record<string, unknown> = {};
    let next = conv;
    let pending: Updateable<ConversationsTable> = {};
    if (d.type === 'raise_priority') {
      next = { ...conv, priority: d.to };
      pending = { priority: d.to };
      uow.record({ brandId, actorType: 'system', actorId: ACTOR_ID, action: PRIORITY_ACTION, subjectType: 'conversation', subjectId: conv.id, before: { priority: d.from }, after: { priority: d.to, by: 'sla' }, at: now });
      uow.onCommit(() => this.bus.publish({ type: PRIORITY_ACTION, brandId, conversationId: conv.id, at, data: { priority: d.to } }));
      detail = { from: d.from, to: d.to };
    } else if (d.type === 'reassign') {
      const r = await this.routing.reassign(uow, conv, { excludeAgentId: conv.assignee_id });
      if (r.agentId) next = { ...conv, assignee_id: r.agentId };
      detail = { from: conv.assignee_id, to: r.agentId ?? conv.assignee_id, explanation: r.explanation };
    } else if (d.type === 'send_update') {
      const id = await queueTemplateReply(uow, { conversation: conv, templateId: d.templateId, key: `sla:${conv.id}:${d.key}`, actorId: ACTOR_ID, now });
      detail = { templateId: d.templateId, messageId: id };
    }
    const data = { ...base, ...detail };
    uow.record({ brandId, actorType: 'system', actorId: ACTOR_ID, action: 'sla.escalated', subjectType: 'conversation', subjectId: conv.id, after: data, at: now });
    // notify_supervisor is exactly this desk event: supervisors' desks listen for sla.escalated.
    uow.onCommit(() => this.bus.publish({ type: 'sla.escalated', brandId, conversationId: conv.id, at, data }));
    return { conversation: next, pending };
  }

  /** Conversations of a brand with their channel kind, in pages (recompute, reports). */
  async #page(ex: Executor, brandId: string, after: string | null, limit: number, range: { from?: Date | undefined; to?: Date | undefined } = {}): Promise<(ConversationRow & { channel_kind: string; channel_settings: Record<string, unknown> })[]> {
    let q = ex.selectFrom('conversations as c').innerJoin('channels as ch', 'ch.id', 'c.channel_id').selectAll('c')
      .select(['ch.kind as channel_kind', 'ch.settings as channel_settings']).where('c.brand_id', '=', brandId);
    if (after) q = q.where('c.id', '>', after);
    if (range.from) q = q.where('c.created_at', '>=', range.from);
    if (range.to) q = q.where('c.created_at', '<', range.to);
    return q.orderBy('c.id').limit(limit).execute();
  }

  /**
   * Recomputes every stored clock of a brand (or all brands) from the event logs, e.g. after a
   * policy change, and reschedules evaluations. The result equals the live one by construction:
   * both are `computeSlaClock` over the same log.
   */
  async recompute(brandId?: string, onProgress?: (done: number) => void): Promise<RecomputeResult> {
    const brands = brandId ? [brandId] : (await this.db.selectFrom('brands').select('id').execute()).map((b) => b.id);
    let conversations = 0;
    let changed = 0;
    for (const b of brands) {
      let after: string | null = null;
      for (;;) {
        const page = await transact(this.db, async (uow) => {
          const rows = await this.#page(uow.tx, b, after, 500);
          if (rows.length === 0) return rows;
          await uow.tx.selectFrom('conversations').select('id').where('brand_id', '=', b).where('id', 'in', rows.map((r) => r.id)).forUpdate().execute();
          const logs = await loadLogs(uow.tx, b, rows.map((r) => r.id));
          const scope = new Scope(uow.tx, b);
          const now = this.clock.now();
          for (const row of rows) {
            const c = await this.#compute(scope, row, effectiveChannelKind(row.channel_kind, row.channel_settings), logs, now);
            const before = JSON.stringify(pickColumns(row));
            const stored = await this.#store(uow.tx, row, c, now);
            if (JSON.stringify(pickColumns(stored)) !== before) changed += 1;
            const raised = new Set(row.sla_raised);
            const due = c ? (transitionKeys(c.clock).some((t) => !raised.has(t.key)) ? now : c.clock.nextEvaluationAt) : null;
            if (due) await scheduleSlaEvaluation(uow.tx, b, row.id, due, this.clock);
          }
          return rows;
        });
        conversations += page.length;
        onProgress?.(conversations);
        const last = page[page.length - 1];
        if (!last || page.length < 500) break;
        after = last.id;
      }
    }
    return { conversations, changed };
  }

  /** Clocks of a brand's conversations at `now`, computed from their logs (reports). */
  async #clocks(brandId: string, range: { from?: Date | undefined; to?: Date | undefined }): Promise<{ row: ConversationRow; kind: ChannelKind; computed: Computed | null; events: SlaEvent[] }[]> {
    const out: { row: ConversationRow; kind: ChannelKind; computed: Computed | null; events: SlaEvent[] }[] = [];
    const scope = new Scope(this.db, brandId);
    const now = this.clock.now();
    let after: string | null = null;
    for (;;) {
      const rows = await this.#page(this.db, brandId, after, 1000, range);
      if (rows.length === 0) break;
      const logs = await loadLogs(this.db, brandId, rows.map((r) => r.id));
      for (const row of rows) {
        const kind = effectiveChannelKind(row.channel_kind, row.channel_settings);
        const computed = await this.#compute(scope, row, kind, logs, now);
        out.push({ row, kind, computed, events: computed?.events ?? buildSlaEvents({ id: row.id, created_at: row.created_at, channelKind: kind }, logs.messages, logs.audit) });
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < 1000) break;
      after = last.id;
    }
    return out;
  }

  /** "% SLA met" by brand, team or agent, with the conversation ids behind every number. */
  async compliance(actor: Actor, groupBy: ComplianceGroupBy, opts: { metric?: SlaMetric | 'all' | undefined; from?: Date | undefined; to?: Date | undefined } = {}): Promise<ComplianceRow[]> {
    const items = (await this.#clocks(actor.brandId, opts)).flatMap((x) => (x.computed ? [{ conversationId: x.row.id, brandId: x.row.brand_id, teamId: x.row.team_id, agentId: x.row.assignee_id, clock: x.computed.clock }] : []));
    return slaCompliance(items, groupBy, { metric: opts.metric ?? 'all' });
  }

  /** First-response and resolution p50/p90 per channel (calendar minutes): the fairness report. */
  async responseTimesByChannel(actor: Actor, opts: { from?: Date | undefined; to?: Date | undefined } = {}): Promise<ChannelFairnessRow[]> {
    const now = this.clock.now();
    const timings = (await this.#clocks(actor.brandId, opts)).map((x) => ({ conversationId: x.row.id, channelKind: x.kind, ...conversationTimings(x.events, now) }));
    return responsePercentilesByChannel(timings);
  }

  async getPolicy(actor: Actor, teamId: string | null): Promise<PolicyView> {
    await this.#checkTeam(actor.brandId, teamId);
    const own = await ownPolicy(this.db, actor.brandId, teamId);
    if (own) return { teamId, version: own.version, isDefault: false, policy: own.policy };
    const inherited = await policyFor(this.db, actor.brandId, null);
    return { teamId, version: inherited.version, isDefault: true, policy: inherited.policy };
  }

  async putPolicy(actor: Actor, teamId: string | null, input: unknown): Promise<PolicyView> {
    const policy = parseOr(SlaPolicy, input, 'body.policy');
    await this.#checkTeam(actor.brandId, teamId);
    await transact(this.db, async (uow) => {
      const before = await ownPolicy(uow.tx, actor.brandId, teamId);
      const version = await savePolicy(uow.tx, actor.brandId, teamId, policy);
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'sla.policy_updated', subjectType: 'sla_policy', subjectId: teamId ?? 'brand', before: before ? { version: before.version, policy: before.policy } : null, after: { version, policy }, at: this.clock.now() });
    });
    return this.getPolicy(actor, teamId);
  }

  /** When a message received now (or `at`) would be due, under a draft policy and hours or the saved ones. */
  async preview(actor: Actor, draft: { policy?: SlaPolicy | undefined; hours?: BusinessHours | undefined; at?: Date | undefined }): Promise<ReturnType<typeof previewDueTimes>> {
    const policy = draft.policy ?? (await policyFor(this.db, actor.brandId, null)).policy;
    const hours = draft.hours ?? (await hoursFor(this.db, actor.brandId, null)).hours;
    return previewDueTimes(policy, hours, draft.at ?? this.clock.now());
  }

  async getHours(actor: Actor, teamId: string | null): Promise<HoursView> {
    await this.#checkTeam(actor.brandId, teamId);
    const own = await ownHours(this.db, actor.brandId, teamId);
    if (own) return { teamId, isDefault: false, hours: own };
    return { teamId, isDefault: true, hours: (await hoursFor(this.db, actor.brandId, null)).hours };
  }

  async putHours(actor: Actor, teamId: string | null, input: unknown): Promise<HoursView> {
    const hours = parseOr(BusinessHours, input, 'body.hours');
    await this.#checkTeam(actor.brandId, teamId);
    await transact(this.db, async (uow) => {
      const before = await ownHours(uow.tx, actor.brandId, teamId);
      await saveHours(uow.tx, actor.brandId, teamId, hours);
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'sla.business_hours_updated', subjectType: 'business_hours', subjectId: teamId ?? 'brand', before, after: hours, at: this.clock.now() });
    });
    return this.getHours(actor, teamId);
  }

  async #checkTeam(brandId: string, teamId: string | null): Promise<void> {
    if (teamId && !(await teamExists(this.db, brandId, teamId))) throw new EarshotError('EARSHOT_TEAM_NOT_FOUND', 'team not found', { field: 'query.teamId' });
  }
}

function parseOr<T>(schema: { safeParse(x: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string; path: PropertyKey[] }[] } } }, input: unknown, field: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new EarshotError('EARSHOT_VALIDATION', issue?.message ?? 'invalid', { field: issue?.path.length ? `${field}.${issue.path.map(String).join('.')}` : field });
}

function pickColumns(r: ConversationRow): SlaColumns {
  return {
    sla_policy: r.sla_policy, sla_state: r.sla_state, sla_first_response_due_at: r.sla_first_response_due_at, sla_next_response_due_at: r.sla_next_response_due_at,
    sla_resolution_due_at: r.sla_resolution_due_at, sla_next_evaluation_at: r.sla_next_evaluation_at, sla_first_response_breached: r.sla_first_response_breached,
    sla_next_response_breached: r.sla_next_response_breached, sla_resolution_breached: r.sla_resolution_breached,
  };
}
