import { canonicalJson, sha256Hex } from '../shared/crypto';
import type { AuditRow } from './audit.types';

/** The hash covers every column a reader relies on plus the previous hash: change one row and the chain breaks there. */
export function auditHash(prevHash: string, r: Omit<AuditRow, 'id' | 'hash' | 'prev_hash'>): string {
  const body = canonicalJson({
    brand_id: r.brand_id,
    seq: String(r.seq),
    actor_type: r.actor_type,
    actor_id: r.actor_id,
    action: r.action,
    subject_type: r.subject_type,
    subject_id: r.subject_id,
    before: r.before ?? null,
    after: r.after ?? null,
    created_at: new Date(r.created_at).toISOString(),
  });
  return sha256Hex(`${prevHash}\n${body}`);
}
