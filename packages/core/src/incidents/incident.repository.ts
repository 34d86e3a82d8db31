import { sql } from '@earshot/db';
import type { IncidentLinkView, IncidentView } from '@earshot/domain';
import type { Executor } from '../shared/unit-of-work';

interface IncidentRow {
  id: string; title: string; status: 'open' | 'resolved'; created_by: string | null; created_at: Date; updated_at: Date; resolved_at: Date | null;
  conversation_count: string | number;
}

export function toIncidentView(r: IncidentRow): IncidentView {
  return {
    id: r.id, title: r.title, status: r.status, createdBy: r.created_by, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
    resolvedAt: r.resolved_at ? r.resolved_at.toISOString() : null, conversationCount: Number(r.conversation_count),
  };
}

const COUNT = sql`(select count(*) from conversation_incidents ci where ci.brand_id = i.brand_id and ci.incident_id = i.id)`;

export async function findIncident(ex: Executor, brandId: string, id: string): Promise<IncidentView | undefined> {
  const r = (await sql<IncidentRow>`select i.*, ${COUNT} as conversation_count from incidents i where i.brand_id = ${brandId} and i.id = ${id}::uuid`.execute(ex)).rows[0];
  return r ? toIncidentView(r) : undefined;
}

export interface IncidentFilter { status?: 'open' | 'resolved' | undefined; q?: string | undefined; after: { at: string; id: string } | null; limit: number }

/** A brand's incidents, newest first, after a keyset cursor. */
export async function listIncidentRows(ex: Executor, brandId: string, f: IncidentFilter): Promise<IncidentRow[]> {
  const where = [sql`i.brand_id = ${brandId}`];
  if (f.status) where.push(sql`i.status = ${f.status}`);
  if (f.q?.trim()) where.push(sql`i.title ilike ${`%${f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (f.after) where.push(sql`(i.created_at, i.id) < (${f.after.at}::timestamptz, ${f.after.id}::uuid)`);
  return (await sql<IncidentRow>`
    select i.*, ${COUNT} as conversation_count from incidents i
    where ${sql.join(where, sql` and `)}
    order by i.created_at desc, i.id desc
    limit ${f.limit}`.execute(ex)).rows;
}

/** The incidents a conversation is linked to, oldest link first. */
export async function incidentLinks(ex: Executor, brandId: string, conversationId: string): Promise<IncidentLinkView[]> {
  const rows = await ex.selectFrom('conversation_incidents as ci').innerJoin('incidents as i', 'i.id', 'ci.incident_id')
    .select(['i.id', 'i.title', 'i.status', 'ci.linked_at', 'ci.linked_by'])
    .where('ci.brand_id', '=', brandId).where('ci.conversation_id', '=', conversationId).orderBy('ci.linked_at').orderBy('i.id').execute();
  return rows.map((r) => ({ id: r.id, title: r.title, status: r.status, linkedAt: r.linked_at.toISOString(), linkedBy: r.linked_by }));
}
