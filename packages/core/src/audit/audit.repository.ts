import { sql, type Transaction, type DB, type Kysely } from '@earshot/db';
import { canonicalJson } from '../shared/crypto';
import { auditHash } from './audit.hash';
import { GENESIS_HASH, type AuditEntry, type AuditRow } from './audit.types';

/** JSON values go through canonical JSON so what is hashed is exactly what jsonb gives back. */
function normalise(v: unknown): unknown {
  return v === undefined ? null : (JSON.parse(canonicalJson(v)) as unknown);
}

/**
 * Appends entries to each brand's hash chain. Takes a per-brand advisory lock that is held to
 * commit, so sequence numbers and hashes follow commit order.
 */
export async function flushAudit(tx: Transaction<DB>, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const byBrand = new Map<string, AuditEntry[]>();
  for (const e of entries) byBrand.set(e.brandId, [...(byBrand.get(e.brandId) ?? []), e]);
  for (const brandId of [...byBrand.keys()].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`audit:${brandId}`}, 0))`.execute(tx);
    const last = await tx.selectFrom('audit_events').select(['seq', 'hash']).where('brand_id', '=', brandId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    let seq = last ? Number(last.seq) : 0;
    let prev = last?.hash ?? GENESIS_HASH;
    const rows = (byBrand.get(brandId) ?? []).map((e) => {
      seq += 1;
      const row = {
        brand_id: brandId, seq: String(seq), actor_type: e.actorType, actor_id: e.actorId, action: e.action,
        subject_type: e.subjectType, subject_id: e.subjectId, before: normalise(e.before), after: normalise(e.after),
        created_at: new Date(Math.floor(e.at.getTime())),
      };
      const hash = auditHash(prev, row);
      const out = { ...row, prev_hash: prev, hash };
      prev = hash;
      return out;
    });
    await tx.insertInto('audit_events').values(rows.map((r) => ({
      ...r, before: JSON.stringify(r.before), after: JSON.stringify(r.after),
    }))).execute();
  }
}

export interface AuditQuery { brandId: string; afterSeq?: number; limit?: number; subjectId?: string }

export async function listAudit(db: Kysely<DB>, q: AuditQuery): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_events').selectAll().where('brand_id', '=', q.brandId);
  if (q.afterSeq !== undefined) query = query.where('seq', '>', String(q.afterSeq));
  if (q.subjectId) query = query.where('subject_id', '=', q.subjectId);
  return (await query.orderBy('seq', 'asc').limit(q.limit ?? 1000).execute()) as AuditRow[];
}
