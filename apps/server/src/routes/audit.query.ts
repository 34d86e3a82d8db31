import { listAudit } from '@earshot/core';
import type { DB, Kysely } from '@earshot/db';

export async function listAuditPage(db: Kysely<DB>, brandId: string, q: { afterSeq?: number | undefined; subjectId?: string | undefined; limit?: number | undefined }) {
  const rows = await listAudit(db, { brandId, ...(q.afterSeq !== undefined ? { afterSeq: q.afterSeq } : {}), ...(q.subjectId ? { subjectId: q.subjectId } : {}), limit: q.limit ?? 100 });
  return rows.map((r) => ({
    seq: r.seq, actorType: r.actor_type, actorId: r.actor_id, action: r.action, subjectType: r.subject_type, subjectId: r.subject_id,
    before: r.before, after: r.after, createdAt: new Date(r.created_at).toISOString(), hash: r.hash,
  }));
}
