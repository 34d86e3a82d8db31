import type { WebhookEventName, WebhookPayload } from '@earshot/domain';
import type { AuditRow } from '../audit/audit.types';

/** The audit row an event is made from (its hashes are not needed). */
export type AuditEventRow = Omit<AuditRow, 'prev_hash' | 'hash'>;

const asRecord = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The delivery body for one audit row: the change as recorded, with the ids a receiver needs on top. */
export function payloadOf(row: AuditEventRow, type: WebhookEventName, conversationOfMessage: ReadonlyMap<string, string> = new Map()): WebhookPayload {
  const after = asRecord(row.after) ?? {};
  const before = asRecord(row.before);
  const conversationId = row.subject_type === 'conversation' ? row.subject_id
    : str(after.conversationId) ?? (row.subject_type === 'message' && row.subject_id ? conversationOfMessage.get(row.subject_id) ?? null : null);
  const messageId = row.subject_type === 'message' ? row.subject_id : null;
  return {
    id: `evt_${row.id}`,
    type,
    occurredAt: row.created_at.toISOString(),
    brandId: row.brand_id,
    subject: { type: row.subject_type, id: row.subject_id },
    conversationId,
    messageId,
    actor: { type: row.actor_type, id: row.actor_id },
    data: after,
    previous: before && Object.keys(before).length > 0 ? before : null,
  };
}
