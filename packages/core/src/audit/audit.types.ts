export interface AuditEntry {
  brandId: string;
  actorType: 'user' | 'token' | 'system' | 'channel';
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  before?: unknown;
  after?: unknown;
  at: Date;
}

export interface AuditRow {
  id: string;
  brand_id: string;
  seq: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  before: unknown;
  after: unknown;
  created_at: Date;
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);
