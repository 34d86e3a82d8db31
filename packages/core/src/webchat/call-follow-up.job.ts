import type { JobName } from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import { findMessageByProviderId, lockConversation } from '../conversations/conversation.repository';
import { PermanentJobError, RetryAt, type JobDefinition } from '../jobs/job.types';
import { jobPayload } from '../jobs/job.types';
import type { Clock } from '../shared/clock';

export const JOB_CALL_FOLLOW_UP = 'call.follow_up' satisfies JobName;
export const CALL_BACK_TAG = 'call-back';

/**
 * call.follow_up: the follow-up call task for an agent. The conversation is (re)opened, tagged
 * `call-back` (a queue filter) and gets an event line saying why; it then follows the brand's routing
 * and SLA like any open conversation. Runs in the claiming transaction: exactly once.
 */
export function callFollowUpJob(deps: { bus: EventBus; clock: Clock }): JobDefinition {
  return {
    name: JOB_CALL_FOLLOW_UP,
    mode: 'transactional',
    async handle(job, uow) {
      const p = { data: jobPayload(job, JOB_CALL_FOLLOW_UP) };
      if (!job.brand_id) throw new PermanentJobError('call.follow_up needs a brand');
      const brandId = job.brand_id;
      let conversationId: string;
      if ('conversationId' in p.data) conversationId = p.data.conversationId;
      else {
        const m = await findMessageByProviderId(uow.tx, p.data.channelId, p.data.providerMessageId);
        // The request is still being ingested: look again shortly.
        if (!m) throw new RetryAt(new Date(deps.clock.now().getTime() + 3_000), 'call-back request not ingested yet');
        conversationId = m.conversation_id;
      }
      const c = await lockConversation(uow.tx, brandId, conversationId);
      if (!c) return; // deleted since
      const now = deps.clock.now();
      const tags = [...new Set([...c.tags, CALL_BACK_TAG])].sort();
      await uow.tx.updateTable('conversations').set({
        status: 'open', tags, snoozed_until: null, resolved_at: null, waiting_since: c.waiting_since ?? now, last_activity_at: now, updated_at: now, message_count: c.message_count + 1,
      }).where('id', '=', c.id).where('brand_id', '=', brandId).execute();
      const m = await uow.tx.insertInto('messages').values({
        brand_id: brandId, conversation_id: c.id, channel_id: c.channel_id, direction: 'outbound', visibility: 'private', kind: 'event', text: `Follow-up call due: ${p.data.reason}`, sent_at: now,
      }).returning('id').executeTakeFirstOrThrow();
      uow.record({ brandId, actorType: 'system', actorId: 'call.follow_up', action: 'call.follow_up_due', subjectType: 'conversation', subjectId: c.id, before: { status: c.status }, after: { status: 'open', tags }, at: now });
      uow.onCommit(() => deps.bus.publish({ type: 'conversation.updated', brandId, conversationId: c.id, messageId: m.id, at: now.toISOString() }));
    },
  };
}
