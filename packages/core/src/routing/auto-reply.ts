import type { JobName } from '@earshot/domain';
import type { Executor } from '../shared/unit-of-work';
import type { UnitOfWork } from '../shared/unit-of-work';
import { enqueueJob } from '../jobs/job.queue';
import type { ConversationRow } from '../conversations/conversation.repository';
import { templateText } from './templates';

/** Prefix of the idempotency key of automatic messages: they never count as an agent's reply for SLA. */
export const AUTO_REPLY_KEY_PREFIX = 'auto:';
const JOB_DELIVER = 'message.deliver' satisfies JobName;

/**
 * Queues an automatic reply from a template through the normal reply path (an outbound message
 * row + `message.deliver` job in the caller's transaction). Keyed so it is sent at most once per
 * `key`. Returns the message id, or null when the template is unknown or it was already sent.
 */
export async function queueTemplateReply(
  uow: UnitOfWork,
  input: { conversation: ConversationRow; templateId: string; key: string; actorId: string; now: Date },
): Promise<string | null> {
  const { tx } = uow;
  const c = input.conversation;
  const brand = await tx.selectFrom('brands').select('settings').where('id', '=', c.brand_id).executeTakeFirst();
  const text = templateText(brand?.settings, input.templateId);
  if (!text) return null;
  const idempotencyKey = `${AUTO_REPLY_KEY_PREFIX}${input.key}`;
  if (await alreadySent(tx, c.brand_id, idempotencyKey)) return null;
  const m = await tx.insertInto('messages').values({
    brand_id: c.brand_id, conversation_id: c.id, channel_id: c.channel_id, direction: 'outbound', visibility: c.is_public ? 'public' : 'private',
    kind: 'message', author_user_id: null, text, idempotency_key: idempotencyKey, sent_at: input.now, delivery_status: 'queued',
  }).returning('id').executeTakeFirstOrThrow();
  await tx.updateTable('conversations').set({ message_count: c.message_count + 1, last_activity_at: input.now, updated_at: new Date() })
    .where('brand_id', '=', c.brand_id).where('id', '=', c.id).execute();
  await enqueueJob(tx, JOB_DELIVER, { messageId: m.id }, { brandId: c.brand_id, key: `deliver:${m.id}` });
  uow.record({ brandId: c.brand_id, actorType: 'system', actorId: input.actorId, action: 'message.auto_sent', subjectType: 'message', subjectId: m.id, after: { conversationId: c.id, templateId: input.templateId }, at: input.now });
  return m.id;
}

async function alreadySent(ex: Executor, brandId: string, key: string): Promise<boolean> {
  return !!(await ex.selectFrom('messages').select('id').where('brand_id', '=', brandId).where('idempotency_key', '=', key).executeTakeFirst());
}
