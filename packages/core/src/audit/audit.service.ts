import type { DB, Kysely } from '@earshot/db';
import { auditHash } from './audit.hash';
import { listAudit } from './audit.repository';
import { GENESIS_HASH, type AuditRow } from './audit.types';

export interface VerifyResult {
  brandId: string;
  checked: number;
  ok: boolean;
  /** First row where the chain breaks, and why. */
  brokenAt?: { seq: string; id: string; reason: string };
}

/** Recomputes a brand's chain from the first row; any edit, deletion or reorder shows up. */
export async function verifyAuditChain(db: Kysely<DB>, brandId: string, onProgress?: (n: number) => void): Promise<VerifyResult> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  for (;;) {
    const rows = await listAudit(db, { brandId, afterSeq: expectedSeq - 1, limit: 5000 });
    if (rows.length === 0) return { brandId, checked, ok: true };
    for (const r of rows) {
      const broken = check(r, prev, expectedSeq);
      if (broken) return { brandId, checked, ok: false, brokenAt: { seq: r.seq, id: r.id, reason: broken } };
      prev = r.hash;
      expectedSeq += 1;
      checked += 1;
    }
    onProgress?.(checked);
  }
}

function check(r: AuditRow, prev: string, expectedSeq: number): string | null {
  if (Number(r.seq) !== expectedSeq) return `sequence gap: expected ${expectedSeq}, found ${r.seq}`;
  if (r.prev_hash !== prev) return 'prev_hash does not match the previous row';
  if (auditHash(prev, r) !== r.hash) return 'row content does not match its hash';
  return null;
}

export async function verifyAllBrands(db: Kysely<DB>): Promise<VerifyResult[]> {
  const brands = await db.selectFrom('brands').select('id').orderBy('created_at').execute();
  const out: VerifyResult[] = [];
  for (const b of brands) out.push(await verifyAuditChain(db, b.id));
  return out;
}

/** JSON lines, one audit event per line, in chain order. */
export async function* exportAudit(db: Kysely<DB>, brandId: string): AsyncGenerator<string> {
  let after = 0;
  for (;;) {
    const rows = await listAudit(db, { brandId, afterSeq: after, limit: 5000 });
    if (rows.length === 0) return;
    for (const r of rows) yield `${JSON.stringify({ ...r, created_at: new Date(r.created_at).toISOString() })}\n`;
    after = Number(rows[rows.length - 1]?.seq ?? after);
  }
}

/** The audit trail as the API reads it: a brand's page, its chain check and its export. */
export class AuditTrail {
  constructor(private readonly db: Kysely<DB>) {}

  page(brandId: string, q: { afterSeq?: number | undefined; subjectId?: string | undefined; limit?: number | undefined }): Promise<AuditRow[]> {
    return listAudit(this.db, { brandId, ...(q.afterSeq !== undefined ? { afterSeq: q.afterSeq } : {}), ...(q.subjectId ? { subjectId: q.subjectId } : {}), limit: q.limit ?? 100 });
  }

  verify(brandId: string): Promise<VerifyResult> {
    return verifyAuditChain(this.db, brandId);
  }

  export(brandId: string): AsyncGenerator<string> {
    return exportAudit(this.db, brandId);
  }
}
