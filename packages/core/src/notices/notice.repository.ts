import { sql } from '@earshot/db';
import type { NoticeBatchView, NoticeProgress, NoticeStatus, NoticeView } from '@earshot/domain';
import type { Executor } from '../shared/unit-of-work';

/** The conversations an incident is linked to, with what deciding each notice's form needs. */
export async function linkedConversations(ex: Executor, brandId: string, incidentId: string) {
  return ex.selectFrom('conversation_incidents as ci').innerJoin('conversations as c', 'c.id', 'ci.conversation_id').innerJoin('channels as ch', 'ch.id', 'c.channel_id')
    .leftJoin('contacts as ct', 'ct.id', 'c.contact_id')
    .select(['c.id', 'c.channel_id', 'c.status', 'c.last_inbound_public', 'c.last_inbound_at', 'ch.kind as channel_kind', 'ct.name as contact_name'])
    .select((eb) => eb.selectFrom('contact_identities as i').select('i.handle').whereRef('i.contact_id', '=', 'c.contact_id').whereRef('i.channel_kind', '=', 'ch.kind').whereRef('i.brand_id', '=', 'c.brand_id').limit(1).as('handle'))
    .where('ci.brand_id', '=', brandId).where('ci.incident_id', '=', incidentId).where('c.brand_id', '=', brandId).orderBy('c.id').execute();
}

export async function selectedConversations(ex: Executor, brandId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return ex.selectFrom('conversations as c').innerJoin('channels as ch', 'ch.id', 'c.channel_id')
    .leftJoin('contacts as ct', 'ct.id', 'c.contact_id')
    .select(['c.id', 'c.channel_id', 'c.status', 'c.last_inbound_public', 'c.last_inbound_at', 'ch.kind as channel_kind', 'ct.name as contact_name'])
    .select((eb) => eb.selectFrom('contact_identities as i').select('i.handle').whereRef('i.contact_id', '=', 'c.contact_id').whereRef('i.channel_kind', '=', 'ch.kind').whereRef('i.brand_id', '=', 'c.brand_id').limit(1).as('handle'))
    .where('c.brand_id', '=', brandId).where('c.id', 'in', ids).orderBy('c.id').execute();
}
export type NoticeTarget = Awaited<ReturnType<typeof linkedConversations>>[number];

const STATUS_SQL = sql<NoticeStatus>`case when n.message_id is null then 'skipped' when m.delivery_status = 'sent' then 'sent' when m.delivery_status = 'failed' then 'failed'
  when m.delivery_status = 'awaiting_approval' then 'awaiting_approval' else 'queued' end`;

/** Batches with their progress, newest first (one grouped query over their notices). */
export async function batchViews(ex: Executor, brandId: string, filter: { incidentId?: string; batchId?: string; limit: number }): Promise<NoticeBatchView[]> {
  let q = ex.selectFrom('notice_batches as b').leftJoin('users as u', 'u.id', 'b.created_by')
    .select(['b.id', 'b.incident_id', 'b.kind', 'b.text', 'b.created_by', 'u.name as created_by_name', 'b.created_at']).where('b.brand_id', '=', brandId);
  if (filter.incidentId) q = q.where('b.incident_id', '=', filter.incidentId);
  if (filter.batchId) q = q.where('b.id', '=', filter.batchId);
  const batches = await q.orderBy('b.created_at', 'desc').orderBy('b.id').limit(filter.limit).execute();
  if (batches.length === 0) return [];
  const counts = await sql<{ batch_id: string; status: NoticeStatus; n: string }>`
    select n.batch_id, ${STATUS_SQL} as status, count(*) as n
    from notices n left join messages m on m.id = n.message_id and m.brand_id = n.brand_id
    where n.brand_id = ${brandId} and n.batch_id = any(${batches.map((b) => b.id)}::uuid[])
    group by 1, 2`.execute(ex);
  const progress = new Map<string, NoticeProgress>();
  for (const r of counts.rows) {
    const p = progress.get(r.batch_id) ?? { total: 0, queued: 0, awaitingApproval: 0, sent: 0, failed: 0, skipped: 0 };
    const n = Number(r.n);
    p.total += n;
    if (r.status === 'awaiting_approval') p.awaitingApproval += n; else p[r.status] += n;
    progress.set(r.batch_id, p);
  }
  return batches.map((b) => ({
    id: b.id, incidentId: b.incident_id, kind: b.kind, text: b.text, createdBy: b.created_by, createdByName: b.created_by_name ?? null, createdAt: b.created_at.toISOString(),
    progress: progress.get(b.id) ?? { total: 0, queued: 0, awaitingApproval: 0, sent: 0, failed: 0, skipped: 0 },
  }));
}

/** One batch's notices, failures first (they are what an agent acts on). */
export async function noticeViews(ex: Executor, brandId: string, batchId: string, status: NoticeStatus | undefined, limit: number): Promise<NoticeView[]> {
  const r = await sql<{ conversation_id: string; contact_name: string | null; channel_kind: string; visibility: 'public' | 'private' | null; status: NoticeStatus; reason: string | null; message_id: string | null }>`
    select * from (
      select n.conversation_id, ct.name as contact_name, ch.kind as channel_kind, m.visibility, ${STATUS_SQL} as status,
        coalesce(n.skip_reason, m.delivery_error) as reason, n.message_id
      from notices n
      join conversations c on c.id = n.conversation_id and c.brand_id = n.brand_id
      join channels ch on ch.id = c.channel_id
      left join contacts ct on ct.id = c.contact_id
      left join messages m on m.id = n.message_id and m.brand_id = n.brand_id
      where n.brand_id = ${brandId} and n.batch_id = ${batchId}
    ) x
    where ${status ? sql`x.status = ${status}` : sql`true`}
    order by case x.status when 'failed' then 0 when 'skipped' then 1 when 'awaiting_approval' then 2 when 'queued' then 3 else 4 end, x.conversation_id
    limit ${limit}`.execute(ex);
  return r.rows.map((x) => ({ conversationId: x.conversation_id, contactName: x.contact_name, channelKind: x.channel_kind, visibility: x.visibility, status: x.status, reason: x.reason, messageId: x.message_id }));
}
