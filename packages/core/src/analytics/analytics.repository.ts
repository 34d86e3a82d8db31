import { sql } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';
import type { ConversationFacts, FactsConversation, FactsMessage, RollupMetrics } from './conversation-facts';
import { COUNTER_COLUMNS, HIST_COLUMNS } from './conversation-facts';

// All SQL of the analytics rollups (ADR 0022). Every statement filters on brand_id.

/** The brand's rollup cursor, created at 0 and locked: two catch-ups of one brand take turns. */
export async function lockCursor(ex: Executor, brandId: string): Promise<string> {
  await sql`insert into analytics_cursors (brand_id) values (${brandId}) on conflict (brand_id) do nothing`.execute(ex);
  const r = await sql<{ last_seq: string }>`select last_seq::text as last_seq from analytics_cursors where brand_id = ${brandId} for update`.execute(ex);
  return r.rows[0]?.last_seq ?? '0';
}

export async function moveCursor(ex: Executor, brandId: string, seq: string): Promise<void> {
  await sql`update analytics_cursors set last_seq = ${seq}::bigint, updated_at = now() where brand_id = ${brandId}`.execute(ex);
}

export interface ChangeRow { seq: string; subject_type: string; subject_id: string | null; conversation_id: string | null }

/** The brand's audit rows after a seq (the unique (brand_id, seq) index), oldest first. */
export async function changesAfter(ex: Executor, brandId: string, afterSeq: string, limit: number): Promise<ChangeRow[]> {
  const r = await sql<ChangeRow>`
    select seq::text as seq, subject_type, subject_id, after ->> 'conversationId' as conversation_id
    from audit_events where brand_id = ${brandId} and seq > ${afterSeq}::bigint order by seq limit ${limit}`.execute(ex);
  return r.rows;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuids = (ids: readonly string[]) => [...new Set(ids.filter((id) => UUID.test(id)))];

export async function conversationsOfMessages(ex: Executor, brandId: string, messageIds: string[]): Promise<string[]> {
  const ids = uuids(messageIds);
  if (ids.length === 0) return [];
  const r = await sql<{ conversation_id: string }>`select distinct conversation_id from messages where brand_id = ${brandId} and id = any(${ids}::uuid[])`.execute(ex);
  return r.rows.map((x) => x.conversation_id);
}

interface ConversationDbRow extends Omit<FactsConversation, 'created_at' | 'resolved_at' | 'first_reply_at' | 'sla_first_response_due_at' | 'sla_resolution_due_at'> {
  created_at: Date | string; resolved_at: Date | string | null; first_reply_at: Date | string | null;
  sla_first_response_due_at: Date | string | null; sla_resolution_due_at: Date | string | null;
}
const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: Date | string | null) => (v === null ? null : date(v));

/** The conversations (with their channel's kind) whose facts are recomputed. */
export async function loadConversations(ex: Executor, brandId: string, ids: string[]): Promise<FactsConversation[]> {
  const list = uuids(ids);
  if (list.length === 0) return [];
  const r = await sql<ConversationDbRow>`
    select c.id, c.brand_id, c.created_at, c.status, c.resolved_at, c.channel_id, ch.kind as channel_kind, c.team_id, c.assignee_id,
           c.triage -> 'topic' ->> 'value' as topic, c.triage -> 'sentiment' ->> 'value' as sentiment, c.is_public, c.tags,
           c.first_reply_at, c.sla_first_response_due_at, c.sla_first_response_breached, c.sla_resolution_due_at, c.sla_resolution_breached
    from conversations c join channels ch on ch.id = c.channel_id and ch.brand_id = c.brand_id
    where c.brand_id = ${brandId} and c.id = any(${list}::uuid[])`.execute(ex);
  return r.rows.map((c) => ({
    ...c, created_at: date(c.created_at), resolved_at: dateOrNull(c.resolved_at), first_reply_at: dateOrNull(c.first_reply_at),
    sla_first_response_due_at: dateOrNull(c.sla_first_response_due_at), sla_resolution_due_at: dateOrNull(c.sla_resolution_due_at),
  }));
}

/** Their messages of kind 'message' in conversation order (messages_conversation_idx); text only of negative inbound ones. */
export async function loadMessages(ex: Executor, brandId: string, ids: string[]): Promise<Map<string, FactsMessage[]>> {
  const out = new Map<string, FactsMessage[]>();
  const list = uuids(ids);
  if (list.length === 0) return out;
  const r = await sql<{ conversation_id: string; direction: 'inbound' | 'outbound'; visibility: 'public' | 'private'; sent_at: Date | string; sentiment: string | null; text: string | null }>`
    select conversation_id, direction, visibility, sent_at, triage -> 'sentiment' ->> 'value' as sentiment,
           case when direction = 'inbound' and triage -> 'sentiment' ->> 'value' = 'negative' then text end as text
    from messages where brand_id = ${brandId} and conversation_id = any(${list}::uuid[]) and kind = 'message'
    order by conversation_id, sent_at, created_at, id`.execute(ex);
  for (const m of r.rows) {
    let l = out.get(m.conversation_id);
    if (!l) { l = []; out.set(m.conversation_id, l); }
    l.push({ direction: m.direction, visibility: m.visibility, sent_at: date(m.sent_at), sentiment: m.sentiment, text: m.text });
  }
  return out;
}

interface FactsDbRow extends Omit<ConversationFacts, 'opened_hour' | 'resolved_hour' | 'first_response_s' | 'next_response_s' | 'resolution_s'> {
  opened_hour: Date | string; resolved_hour: Date | string | null; first_response_s: string | number | null; next_response_s: (string | number)[]; resolution_s: string | number | null;
}

/** The stored facts of these conversations, locked (a concurrent catch-up of the brand waits on the cursor anyway). */
export async function loadFacts(ex: Executor, brandId: string, ids: string[]): Promise<ConversationFacts[]> {
  const list = uuids(ids);
  if (list.length === 0) return [];
  const r = await sql<FactsDbRow>`
    select conversation_id, opened_hour, resolved_hour, channel_id, channel_kind, team_id, assignee_id, topic, sentiment, is_public, tags,
           inbound, replies, first_response_s, next_response_s, resolution_s, sla_first_applies, sla_first_met, sla_resolution_applies,
           sla_resolution_met, moved_to_private, negative_terms
    from analytics_conversation_facts where brand_id = ${brandId} and conversation_id = any(${list}::uuid[]) for update`.execute(ex);
  return r.rows.map((f) => ({
    ...f,
    opened_hour: date(f.opened_hour).toISOString(),
    resolved_hour: f.resolved_hour === null ? null : date(f.resolved_hour).toISOString(),
    first_response_s: f.first_response_s === null ? null : Number(f.first_response_s),
    next_response_s: f.next_response_s.map(Number),
    resolution_s: f.resolution_s === null ? null : Number(f.resolution_s),
  }));
}

/** Stores facts (one statement) and forgets those of conversations that no longer exist. */
export async function saveFacts(ex: Executor, brandId: string, facts: ConversationFacts[], gone: string[]): Promise<void> {
  if (facts.length > 0) {
    await sql`
      insert into analytics_conversation_facts (brand_id, conversation_id, opened_hour, resolved_hour, channel_id, channel_kind, team_id, assignee_id,
        topic, sentiment, is_public, tags, inbound, replies, first_response_s, next_response_s, resolution_s, sla_first_applies, sla_first_met,
        sla_resolution_applies, sla_resolution_met, moved_to_private, negative_terms, computed_at)
      select ${brandId}::uuid, f.conversation_id, f.opened_hour, f.resolved_hour, f.channel_id, f.channel_kind, f.team_id, f.assignee_id,
        f.topic, f.sentiment, f.is_public, f.tags, f.inbound, f.replies, f.first_response_s, f.next_response_s, f.resolution_s, f.sla_first_applies,
        f.sla_first_met, f.sla_resolution_applies, f.sla_resolution_met, f.moved_to_private, f.negative_terms, now()
      from jsonb_populate_recordset(null::analytics_conversation_facts, ${JSON.stringify(facts)}::jsonb) f
      on conflict (brand_id, conversation_id) do update set
        opened_hour = excluded.opened_hour, resolved_hour = excluded.resolved_hour, channel_id = excluded.channel_id, channel_kind = excluded.channel_kind,
        team_id = excluded.team_id, assignee_id = excluded.assignee_id, topic = excluded.topic, sentiment = excluded.sentiment, is_public = excluded.is_public,
        tags = excluded.tags, inbound = excluded.inbound, replies = excluded.replies, first_response_s = excluded.first_response_s,
        next_response_s = excluded.next_response_s, resolution_s = excluded.resolution_s, sla_first_applies = excluded.sla_first_applies,
        sla_first_met = excluded.sla_first_met, sla_resolution_applies = excluded.sla_resolution_applies, sla_resolution_met = excluded.sla_resolution_met,
        moved_to_private = excluded.moved_to_private, negative_terms = excluded.negative_terms, computed_at = excluded.computed_at`.execute(ex);
  }
  const g = uuids(gone);
  if (g.length > 0) await sql`delete from analytics_conversation_facts where brand_id = ${brandId} and conversation_id = any(${g}::uuid[])`.execute(ex);
}

export interface RollupDelta extends RollupMetrics { dim: string; key: string; hour: string }

/** Adds deltas to the hourly rollups, one statement; rows are sorted so concurrent writers lock in one order. */
export async function addToRollups(ex: Executor, brandId: string, deltas: RollupDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  deltas.sort((a, b) => (a.dim < b.dim ? -1 : a.dim > b.dim ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0));
  const cols = [...COUNTER_COLUMNS, ...HIST_COLUMNS];
  const colList = sql.raw(cols.join(', '));
  const set = sql.raw([
    ...COUNTER_COLUMNS.map((c) => `${c} = analytics_hourly.${c} + excluded.${c}`),
    ...HIST_COLUMNS.map((c) => `${c} = analytics_hist_add(analytics_hourly.${c}, excluded.${c})`),
  ].join(', '));
  await sql`
    insert into analytics_hourly (brand_id, dim, key, hour, ${colList})
    select ${brandId}::uuid, d.dim, d.key, d.hour, ${sql.raw(cols.map((c) => `d.${c}`).join(', '))}
    from jsonb_populate_recordset(null::analytics_hourly, ${JSON.stringify(deltas)}::jsonb) d
    on conflict (brand_id, dim, key, hour) do update set ${set}`.execute(ex);
}

/** Adds deltas to the negative-message word counts, one statement. */
export async function addToTerms(ex: Executor, brandId: string, deltas: { hour: string; term: string; conversations: number }[]): Promise<void> {
  if (deltas.length === 0) return;
  deltas.sort((a, b) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
  await sql`
    insert into analytics_terms (brand_id, hour, term, conversations)
    select ${brandId}::uuid, d.hour, d.term, d.conversations from jsonb_populate_recordset(null::analytics_terms, ${JSON.stringify(deltas)}::jsonb) d
    on conflict (brand_id, hour, term) do update set conversations = analytics_terms.conversations + excluded.conversations`.execute(ex);
}

/** Brands (for seeding a catch-up of each at worker start). */
export async function allBrandIds(ex: Executor): Promise<string[]> {
  const r = await sql<{ id: string }>`select id from brands order by id`.execute(ex);
  return r.rows.map((b) => b.id);
}

/** A page of a brand's conversations in (created_at, id) order (conversations_created_idx). */
export async function conversationPage(ex: Executor, brandId: string, after: { at: Date; id: string } | null, limit: number): Promise<{ id: string; created_at: Date }[]> {
  const r = await sql<{ id: string; created_at: Date | string }>`
    select id, created_at from conversations where brand_id = ${brandId} ${after ? sql`and (created_at, id) > (${after.at}, ${after.id}::uuid)` : sql``}
    order by created_at, id limit ${limit}`.execute(ex);
  return r.rows.map((x) => ({ id: x.id, created_at: date(x.created_at) }));
}

export async function latestSeq(ex: Executor, brandId: string): Promise<string> {
  const r = await sql<{ seq: string | null }>`select max(seq)::text as seq from audit_events where brand_id = ${brandId}`.execute(ex);
  return r.rows[0]?.seq ?? '0';
}
