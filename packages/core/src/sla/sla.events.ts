import { ConversationPriority, ConversationStatusValue, type ChannelKind, type SlaEvent } from '@earshot/domain';
import type { AuditEntry } from '../audit/audit.types';
import { sql } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';
import { AUTO_REPLY_KEY_PREFIX } from '../routing/auto-reply';

/** Audit actions that change what an SLA clock sees, and the status each one means. */
const STATUS_ACTIONS: Record<string, ConversationStatusValue | null> = {
  'conversation.resolved': 'resolved', 'conversation.opened': 'open', 'conversation.pending': 'pending',
  'conversation.snoozed': 'snoozed', 'conversation.reopened': 'open',
};
export const PRIORITY_ACTION = 'conversation.priority_changed';
export const LOG_ACTIONS = [...Object.keys(STATUS_ACTIONS), PRIORITY_ACTION];
/**
 * The same list as SQL literals: migration 0015's partial index `audit_events_sla_log_idx` holds
 * exactly these actions, and the planner can use a partial index only when the query repeats its
 * predicate literally (a bound array parameter does not imply it).
 */
const LOG_ACTIONS_SQL = sql.raw(LOG_ACTIONS.map((a) => {
  if (!/^[a-z_.]+$/.test(a)) throw new Error(`unexpected audit action ${a}`);
  return `'${a}'`;
}).join(', '));

interface ConvHead { id: string; created_at: Date; channelKind: ChannelKind }
export interface MsgRow { conversation_id: string; direction: 'inbound' | 'outbound'; kind: string; sent_at: Date; delivery_status: string | null; idempotency_key: string | null }
export interface AuditLike { subject_id: string | null; action: string; before: unknown; after: unknown; created_at: Date }

const field = (o: unknown, k: string): unknown => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined);

/**
 * A conversation's SLA event log: its messages (customer messages; replies the customer can see,
 * not notes, not automatic messages, not replies still awaiting approval or failed) and its audit
 * trail of status and priority changes. The same function feeds the live clock and a recompute.
 */
export function buildSlaEvents(head: ConvHead, messages: readonly MsgRow[], audit: readonly AuditLike[]): SlaEvent[] {
  const changes = audit.filter((a) => a.subject_id === head.id && LOG_ACTIONS.includes(a.action)).sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  const firstPriority = changes.find((a) => a.action === PRIORITY_ACTION);
  const initial = ConversationPriority.safeParse(field(firstPriority?.before, 'priority'));
  const events: SlaEvent[] = [{ type: 'created', at: head.created_at, priority: initial.success ? initial.data : 'normal', channelKind: head.channelKind }];
  for (const m of messages) {
    if (m.conversation_id !== head.id || m.kind !== 'message') continue;
    if (m.direction === 'inbound') events.push({ type: 'inbound_message', at: m.sent_at });
    else if (m.delivery_status !== 'failed' && m.delivery_status !== 'awaiting_approval' && !(m.idempotency_key ?? '').startsWith(AUTO_REPLY_KEY_PREFIX)) events.push({ type: 'outbound_reply', at: m.sent_at });
  }
  for (const a of changes) {
    if (a.action === PRIORITY_ACTION) {
      const p = ConversationPriority.safeParse(field(a.after, 'priority'));
      if (p.success) events.push({ type: 'priority_changed', at: a.created_at, priority: p.data });
    } else {
      const s = ConversationStatusValue.safeParse(field(a.after, 'status') ?? STATUS_ACTIONS[a.action]);
      if (s.success) events.push({ type: 'status_changed', at: a.created_at, status: s.data });
    }
  }
  return events;
}

/** Messages and audit rows of many conversations of one brand in one round trip (live clock, recompute, reports). */
export async function loadLogs(ex: Executor, brandId: string, conversationIds: string[]): Promise<{ messages: MsgRow[]; audit: AuditLike[] }> {
  if (conversationIds.length === 0) return { messages: [], audit: [] };
  // Both logs in one result: `src` tells them apart; columns a source lacks are null.
  const rows = (await sql<{
    src: 'm' | 'a'; cid: string; direction: MsgRow['direction'] | null; kind: string | null; at: Date; delivery_status: string | null;
    idempotency_key: string | null; action: string | null; before: unknown; after: unknown;
  }>`
    select 'm' as src, conversation_id::text as cid, direction, kind, sent_at as at, delivery_status, idempotency_key, null::text as action, null::jsonb as before, null::jsonb as after
      from messages where brand_id = ${brandId} and conversation_id = any(${conversationIds}::uuid[])
    union all
    select 'a', subject_id, null, null, created_at, null, null, action, before, after
      from audit_events where brand_id = ${brandId} and subject_type = 'conversation' and subject_id = any(${conversationIds}::text[]) and action in (${LOG_ACTIONS_SQL})`.execute(ex)).rows;
  const messages: MsgRow[] = [];
  const audit: AuditLike[] = [];
  for (const r of rows) {
    if (r.src === 'm') messages.push({ conversation_id: r.cid, direction: r.direction ?? 'inbound', kind: r.kind ?? 'message', sent_at: r.at, delivery_status: r.delivery_status, idempotency_key: r.idempotency_key });
    else audit.push({ subject_id: r.cid, action: r.action ?? '', before: r.before, after: r.after, created_at: r.at });
  }
  return { messages, audit };
}

/** Audit entries recorded in this transaction but not flushed yet, in the stored row's shape. */
export function pendingAudit(entries: readonly AuditEntry[], conversationId: string): AuditLike[] {
  return entries.filter((e) => e.subjectType === 'conversation' && e.subjectId === conversationId)
    .map((e) => ({ subject_id: e.subjectId, action: e.action, before: e.before ?? null, after: e.after ?? null, created_at: e.at }));
}
