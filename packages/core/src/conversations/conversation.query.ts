import { sql, type DB, type Kysely } from '@earshot/db';
import { EarshotError, type ConversationView, type MessageView } from '@earshot/domain';
import type { Executor } from '../shared/unit-of-work';
import { z } from 'zod';
import { cursorCodec, CursorFields } from '../shared/cursor';
import type { MessageRow } from './conversation.repository';

export interface ListFilters {
  view?: 'all' | 'mine' | 'unassigned' | 'my_teams' | 'needs_response' | 'mentions_needing_response' | undefined;
  status?: ('open' | 'pending' | 'snoozed' | 'resolved')[] | undefined;
  channelKind?: string | undefined;
  channelId?: string | undefined;
  priority?: ('low' | 'normal' | 'high' | 'urgent')[] | undefined;
  sentiment?: string | undefined;
  topic?: string | undefined;
  language?: string | undefined;
  tag?: string | undefined;
  assigneeId?: string | undefined;
  teamId?: string | undefined;
  contactId?: string | undefined;
  incidentId?: string | undefined;
  q?: string | undefined;
  sort?: 'recent' | 'waiting' | 'priority' | 'sla_due' | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** (rank, time or 'infinity', id) of the page's last row, in the sort's terms. */
const conversationCursor = cursorCodec(z.strictObject({ k: z.tuple([z.number().int().min(0).max(3), CursorFields.timeOrInfinity]), id: CursorFields.id }));

const PRIORITY_RANK = sql<number>`(case c.priority when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end)`;
const WAITING = sql<Date>`coalesce(c.waiting_since, 'infinity'::timestamptz)`;
/**
 * The next SLA deadline: the earliest running due time the SLA service stores (a stopped or paused
 * clock stores none; least() skips nulls); conversations without one sort last.
 */
const SLA_DUE = sql<Date>`coalesce(least(c.sla_first_response_due_at, c.sla_next_response_due_at, c.sla_resolution_due_at), 'infinity'::timestamptz)`;

// Spelled as the partial indexes' predicates (0006/0007 and 0012), so PostgreSQL can use them.
const IN_WORKING_SET = sql`c.status in ('open', 'pending')`;
const NOT_IN_WORKING_SET = sql`c.status not in ('open', 'pending')`;
const spansWorkingAndOther = (status: readonly string[] | undefined) =>
  !status || (status.some((s) => s === 'open' || s === 'pending') && status.some((s) => s !== 'open' && s !== 'pending'));

interface Row {
  id: string; status: ConversationView['status']; priority: ConversationView['priority']; channel_id: string; channel_kind: string; channel_name: string;
  contact_id: string; contact_name: string | null; handle: string | null; followers: number | null; vip: boolean;
  team_id: string | null; assignee_id: string | null; subject: string; preview: string; is_public: boolean; tags: string[]; needs_response: boolean;
  triage: Record<string, unknown> | null; first_reply_at: Date | null; waiting_since: Date | null; last_activity_at: Date; last_inbound_at: Date | null;
  snoozed_until: Date | null; resolved_at: Date | null; message_count: number; created_at: Date; sort_rank: number; sort_time: Date;
  sla_policy: string | null; sla_state: 'ok' | 'warning' | 'breached' | 'met' | 'paused' | null; sla_first_response_due_at: Date | null; sla_next_response_due_at: Date | null;
  sla_resolution_due_at: Date | null; sla_next_evaluation_at: Date | null; sla_first_response_breached: boolean; sla_next_response_breached: boolean;
  sla_resolution_breached: boolean; routing: { explanation?: unknown } | null;
}

function toView(r: Row): ConversationView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: r.id, status: r.status, priority: r.priority, channel: { id: r.channel_id, kind: r.channel_kind, name: r.channel_name },
    contact: { id: r.contact_id, name: r.contact_name, handle: r.handle, followers: r.followers, vip: r.vip },
    teamId: r.team_id, assigneeId: r.assignee_id, subject: r.subject, preview: r.preview, isPublic: r.is_public, tags: r.tags,
    needsResponse: r.needs_response, triage: r.triage, firstReplyAt: iso(r.first_reply_at), waitingSince: iso(r.waiting_since),
    lastActivityAt: r.last_activity_at.toISOString(), lastInboundAt: iso(r.last_inbound_at), snoozedUntil: iso(r.snoozed_until),
    resolvedAt: iso(r.resolved_at), messageCount: r.message_count, createdAt: r.created_at.toISOString(),
    sla: {
      policy: r.sla_policy, state: r.sla_state, firstResponseDueAt: iso(r.sla_first_response_due_at), nextResponseDueAt: iso(r.sla_next_response_due_at),
      resolutionDueAt: iso(r.sla_resolution_due_at), nextEvaluationAt: iso(r.sla_next_evaluation_at),
      breached: { firstResponse: r.sla_first_response_breached, nextResponse: r.sla_next_response_breached, resolution: r.sla_resolution_breached },
    },
    routingExplanation: typeof r.routing?.explanation === 'string' ? r.routing.explanation : null,
  };
}

const SELECT = sql`
  select c.id, c.status, c.priority, c.channel_id, ch.kind as channel_kind, ch.name as channel_name,
    c.contact_id, ct.name as contact_name, ident.handle, ident.followers, ct.vip,
    c.team_id, c.assignee_id, c.subject, c.preview, c.is_public, c.tags, c.needs_response, c.triage,
    c.first_reply_at, c.waiting_since, c.last_activity_at, c.last_inbound_at, c.snoozed_until, c.resolved_at, c.message_count, c.created_at,
    c.sla_policy, c.sla_state, c.sla_first_response_due_at, c.sla_next_response_due_at, c.sla_resolution_due_at, c.sla_next_evaluation_at,
    c.sla_first_response_breached, c.sla_next_response_breached, c.sla_resolution_breached, c.routing`;

/** What a row shows beside the conversation: its channel, customer and the customer's identity on that channel. */
const DECORATE = sql`
  join channels ch on ch.id = c.channel_id
  join contacts ct on ct.id = c.contact_id
  left join lateral (
    select i.handle, i.followers from contact_identities i where i.contact_id = c.contact_id order by (i.channel_kind = ch.kind) desc, i.created_at limit 1
  ) ident on true`;

const FROM = sql`from conversations c ${DECORATE}`;

/**
 * The inbox: filters, full-text search and keyset (cursor) pagination; every query scoped to one brand.
 *
 * Shape: the page is chosen first from conversations alone (WHERE, ORDER BY, LIMIT in a subquery, so
 * PostgreSQL reads it in the order of one of the inbox indexes of 0006/0007 and stops after a page),
 * then only those rows are joined to their channel, customer and identity. With the joins outside,
 * a wrong row estimate (an embedded database that was never analyzed) cannot make PostgreSQL join
 * every open conversation before sorting.
 */
export async function listConversations(db: Executor, brandId: string, userId: string | null, f: ListFilters): Promise<{ items: ConversationView[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 200);
  const where = [sql`c.brand_id = ${brandId}`];
  const status = f.status?.length ? f.status : f.q ? undefined : (['open', 'pending'] as const);
  // One value is an equality, which a (brand_id, status, last_activity_at) index returns in order; `= any` is not.
  if (status) where.push(status.length === 1 ? sql`c.status = ${status[0]}` : sql`c.status = any(${[...status]}::text[])`);
  if (f.view === 'mine') where.push(sql`c.assignee_id = ${userId}`);
  if (f.view === 'unassigned') where.push(sql`c.assignee_id is null`);
  if (f.view === 'my_teams') where.push(sql`c.team_id in (select team_id from team_members where user_id = ${userId} and brand_id = ${brandId})`);
  // Waiting for us: open, triage says the customer's latest message needs a response, and nobody has
  // answered since (waiting_since is set by a customer message and cleared by the brand's reply) —
  // a customer writing again after an answer is back in it. "Mentions needing response" is the same
  // with the latest message public, so every mention is also here. In the default order each view is
  // read from its partial index (0018, 0013; same spelling). Other sorts walk their working-set
  // index and keep the matches: there "not answered" is spelled through WAITING so the partial index
  // cannot be proven to apply, since PostgreSQL underestimates these views (open and waiting go
  // together) and would read all of one through it and sort it (0.5 s at 1.1 M conversations;
  // docs/benchmarks.md).
  const unanswered = (f.sort ?? 'recent') === 'recent' ? sql`c.waiting_since is not null` : sql`${WAITING} < 'infinity'::timestamptz`;
  if (f.view === 'needs_response') where.push(sql`c.status = 'open' and c.needs_response and ${unanswered}`);
  if (f.view === 'mentions_needing_response') where.push(sql`c.status = 'open' and c.needs_response and c.last_inbound_public and ${unanswered}`);
  if (f.channelKind) where.push(sql`c.channel_id in (select id from channels where brand_id = ${brandId} and kind = ${f.channelKind})`);
  if (f.channelId) where.push(sql`c.channel_id = ${f.channelId}::uuid`);
  if (f.priority?.length) where.push(f.priority.length === 1 ? sql`c.priority = ${f.priority[0]}` : sql`c.priority = any(${f.priority}::text[])`);
  if (f.sentiment) where.push(sql`c.triage -> 'sentiment' ->> 'value' = ${f.sentiment}`);
  if (f.topic) where.push(sql`c.triage -> 'topic' ->> 'value' = ${f.topic}`);
  if (f.language) where.push(sql`c.triage -> 'language' ->> 'value' = ${f.language}`);
  // Containment, so a rare tag is found through the GIN index on tags (0007).
  if (f.tag) where.push(sql`c.tags @> ${[f.tag]}::text[]`);
  if (f.assigneeId) where.push(sql`c.assignee_id = ${f.assigneeId}::uuid`);
  if (f.teamId) where.push(sql`c.team_id = ${f.teamId}::uuid`);
  if (f.contactId) where.push(sql`c.contact_id = ${f.contactId}::uuid`);
  if (f.incidentId) where.push(sql`c.id in (select conversation_id from conversation_incidents where brand_id = ${brandId} and incident_id = ${f.incidentId}::uuid)`);
  if (f.q?.trim()) {
    where.push(sql`exists (select 1 from messages m where m.conversation_id = c.id and m.brand_id = ${brandId}
      and to_tsvector('simple', m.text) @@ plainto_tsquery('simple', ${f.q.trim()}))`);
  }

  const sort = f.sort ?? 'recent';
  // Each sort is (rank desc?, time, id) so the cursor is a plain tuple comparison.
  const rank = sort === 'priority' ? PRIORITY_RANK : sql<number>`0::int`;
  const time = sort === 'waiting' ? WAITING : sort === 'sla_due' ? SLA_DUE : sql<Date>`c.last_activity_at`;
  const ascending = sort === 'waiting' || sort === 'sla_due';
  if (f.cursor) {
    const c = conversationCursor.decode(f.cursor);
    const [k0, k1] = c.k;
    if (ascending) where.push(sql`(${time}, c.id) > (${String(k1)}::timestamptz, ${c.id}::uuid)`);
    else where.push(sql`(${rank}, ${time}, c.id) < (${Number(k0)}, ${String(k1)}::timestamptz, ${c.id}::uuid)`);
  }
  const order = ascending ? sql`order by ${time} asc, c.id asc` : sql`order by ${rank} desc, ${time} desc, c.id desc`;
  const pageOrder = ascending ? sql`order by c.sort_time asc, c.id asc` : sql`order by c.sort_rank desc, c.sort_time desc, c.id desc`;
  const pick = (part: typeof where) => sql`select c.*, ${rank} as sort_rank, ${time} as sort_time from conversations c
    where ${sql.join([...where, ...part], sql` and `)} ${order} limit ${limit + 1}`;
  // These sorts are indexed over the working set (0006/0007) and over the other statuses (0012), not
  // over both at once: across both, read a page from each half in its index's order and merge them.
  // The statuses a page can hold; the waiting views' own predicate keeps them to open ones (merging
  // with the other half there would walk an index for rows that cannot match).
  const statuses = f.view === 'mentions_needing_response' || f.view === 'needs_response' ? ['open'] : status;
  const chosen = sort !== 'recent' && spansWorkingAndOther(statuses)
    ? sql`select * from ((${pick([IN_WORKING_SET])}) union all (${pick([NOT_IN_WORKING_SET])})) c ${pageOrder} limit ${limit + 1}`
    : pick([]);
  const rows = (await sql<Row>`${SELECT}, c.sort_rank, c.sort_time from (${chosen}) c ${DECORATE} ${pageOrder}`.execute(db)).rows;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > limit && last
    ? conversationCursor.encode({ k: [Number(last.sort_rank), last.sort_time instanceof Date && Number.isFinite(last.sort_time.getTime()) ? last.sort_time.toISOString() : 'infinity'], id: last.id })
    : null;
  return { items: page.map(toView), nextCursor };
}

export async function getConversationView(db: Executor, brandId: string, id: string): Promise<ConversationView> {
  const r = (await sql<Row>`${SELECT}, 0 as sort_rank, c.last_activity_at as sort_time ${FROM} where c.brand_id = ${brandId} and c.id = ${id}::uuid`.execute(db)).rows[0];
  if (!r) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'conversation not found', { field: 'params.id' });
  return toView(r);
}

export async function messageViews(db: Kysely<DB> | Executor, brandId: string, rows: MessageRow[]): Promise<MessageView[]> {
  const identityIds = [...new Set(rows.map((r) => r.author_identity_id).filter((x): x is string => !!x))];
  const userIds = [...new Set(rows.map((r) => r.author_user_id).filter((x): x is string => !!x))];
  const idents = identityIds.length ? await db.selectFrom('contact_identities').select(['id', 'handle', 'display_name']).where('brand_id', '=', brandId).where('id', 'in', identityIds).execute() : [];
  const users = userIds.length ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute() : [];
  return rows.map((m) => {
    const ident = idents.find((i) => i.id === m.author_identity_id);
    const user = users.find((u) => u.id === m.author_user_id);
    const author: MessageView['author'] = ident
      ? { type: 'contact', id: ident.id, name: ident.display_name, handle: ident.handle }
      : user ? { type: 'user', id: user.id, name: user.name, handle: null } : { type: 'system', id: null, name: null, handle: null };
    return {
      id: m.id, conversationId: m.conversation_id, channelId: m.channel_id, direction: m.direction, visibility: m.visibility, kind: m.kind,
      text: m.text, author, providerMessageId: m.provider_message_id, replyToProviderId: m.reply_to_provider_id, authorFollowers: m.author_followers,
      attachments: m.attachments, triage: m.triage as Record<string, unknown> | null, deliveryStatus: m.delivery_status, deliveryError: m.delivery_error,
      sentAt: m.sent_at.toISOString(), createdAt: m.created_at.toISOString(),
    };
  });
}
