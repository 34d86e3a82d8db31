import { canonicalJson, sha256Hex } from '../shared/crypto';
import type { AuditRow } from './audit.types';

type HashedFields = Pick<AuditRow, 'brand_id' | 'actor_type' | 'actor_id' | 'action' | 'subject_type' | 'subject_id'> & { seq: string | number; created_at: Date | string };

/** The hash covers every column a reader relies on plus the previous hash: change one row and the chain breaks there. */
export function auditHash(prevHash: string, r: Omit<AuditRow, 'id' | 'hash' | 'prev_hash'>): string {
  return auditHashOfJson(prevHash, r, canonicalJson(r.before ?? null), canonicalJson(r.after ?? null));
}

/**
 * `auditHash` for a writer that already holds the canonical JSON of `before` and `after` (it
 * inserts those same strings): the hashed body is canonical JSON of the row, keys in sorted order,
 * built without serialising the values again.
 */
export function auditHashOfJson(prevHash: string, r: HashedFields, beforeJson: string, afterJson: string): string {
  const field = (k: string, v: string | null | undefined) => (v === undefined ? '' : `"${k}":${JSON.stringify(v)},`);
  const body = `{${field('action', r.action)}${field('actor_id', r.actor_id)}${field('actor_type', r.actor_type)}"after":${afterJson},"before":${beforeJson},`
    + `${field('brand_id', r.brand_id)}"created_at":${JSON.stringify(new Date(r.created_at).toISOString())},"seq":${JSON.stringify(String(r.seq))},`
    + `${field('subject_id', r.subject_id)}${field('subject_type', r.subject_type)}`;
  return sha256Hex(`${prevHash}\n${body.slice(0, -1)}}`);
}
