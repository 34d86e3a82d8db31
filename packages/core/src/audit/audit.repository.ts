import { sql, type Transaction, type DB, type Kysely } from '@earshot/db';
import { canonicalJson } from '../shared/crypto';
import { auditHashOfJson } from './audit.hash';
import { GENESIS_HASH, type AuditEntry, type AuditRow } from './audit.types';

/**
 * Appends entries to each brand's hash chain. Takes a per-brand advisory lock that is held to
 * commit, so sequence numbers and hashes follow commit order. Each entry's `before` and `after`
 * are serialised once, as canonical JSON: that string is hashed and inserted, so what is hashed is
 * exactly what jsonb gives back. All of a brand's rows go in one statement.
 */
export async function flushAudit(tx: Transaction<DB>, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const byBrand = new Map<string, AuditEntry[]>();
  for (const e of entries) {
    const list = byBrand.get(e.brandId);
    if (list) list.push(e);
    else byBrand.set(e.brandId, [e]);
  }
  for (const brandId of [...byBrand.keys()].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`audit:${brandId}`}, 0))`.execute(tx);
    const last = await tx.selectFrom('audit_events').select(['seq', 'hash']).where('brand_id', '=', brandId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    let seq = last ? Number(last.seq) : 0;
    let prev = last?.hash ?? GENESIS_HASH;
    const rows: string[] = [];
    for (const e of byBrand.get(brandId) ?? []) {
      seq += 1;
      const row = {
        brand_id: brandId, seq: String(seq), actor_type: e.actorType, actor_id: e.actorId, action: e.action,
        subject_type: e.subjectType, subject_id: e.subjectId, created_at: new Date(Math.floor(e.at.getTime())),
      };
      const before = e.before === undefined ? 'null' : canonicalJson(e.before);
      const after = e.after === undefined ? 'null' : canonicalJson(e.after);
      const hash = auditHashOfJson(prev, row, before, after);
      const scalars = JSON.stringify({ ...row, prev_hash: prev, hash });
      rows.push(`${scalars.slice(0, -1)},"before":${before},"after":${after}}`);
      prev = hash;
    }
    await sql`
      insert into audit_events (brand_id, seq, actor_type, actor_id, action, subject_type, subject_id, before, after, created_at, prev_hash, hash)
      select r.brand_id, r.seq, r.actor_type, r.actor_id, r.action, r.subject_type, r.subject_id, r.before, r.after, r.created_at, r.prev_hash, r.hash
      from jsonb_populate_recordset(null::audit_events, ${`[${rows.join(',')}]`}::jsonb) as r`.execute(tx);
  }
}

export interface AuditQuery { brandId: string; afterSeq?: number; limit?: number; subjectId?: string }

export async function listAudit(db: Kysely<DB>, q: AuditQuery): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_events').selectAll().where('brand_id', '=', q.brandId);
  if (q.afterSeq !== undefined) query = query.where('seq', '>', String(q.afterSeq));
  if (q.subjectId) query = query.where('subject_id', '=', q.subjectId);
  return (await query.orderBy('seq', 'asc').limit(q.limit ?? 1000).execute()) as AuditRow[];
}
