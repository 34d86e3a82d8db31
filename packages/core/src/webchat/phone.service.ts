import { randomUUID } from 'node:crypto';
import type { DB, Kysely } from '@earshot/db';
import { EarshotError, type CanonicalMessage } from '@earshot/domain';
import { lockConversation } from '../conversations/conversation.repository';
import type { EventBus } from '../events/event-bus';
import type { IngestService } from '../ingest/ingest.service';
import { enqueueJob } from '../jobs/job.queue';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact } from '../shared/unit-of-work';
import { JOB_CALL_FOLLOW_UP } from './call-follow-up.job';
import type { WebchatService } from './webchat.service';

export interface CallInput { direction: 'inbound' | 'outbound'; durationSeconds: number; summary: string; followUpAt?: Date | undefined }

/** Phone: calls logged on a conversation, public call-back requests, and the follow-up call task. */
export class PhoneService {
  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock, private readonly ingest: IngestService, private readonly site: WebchatService) {}

  /** An agent logs a call on a conversation; with followUpAt, a follow-up call task comes due then. */
  async logCall(actor: Actor, conversationId: string, input: CallInput): Promise<{ messageId: string; followUpAt: string | null }> {
    return transact(this.db, async (uow) => {
      const c = await lockConversation(uow.tx, actor.brandId, conversationId);
      if (!c) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'conversation not found', { field: 'params.id' });
      const now = this.clock.now();
      const minutes = Math.max(1, Math.round(input.durationSeconds / 60));
      const m = await uow.tx.insertInto('messages').values({
        brand_id: actor.brandId, conversation_id: c.id, channel_id: c.channel_id, direction: input.direction, visibility: 'private', kind: 'event',
        author_user_id: actor.userId ?? null, text: `${input.direction === 'inbound' ? 'Inbound' : 'Outbound'} call, ${minutes} min: ${input.summary}`, sent_at: now,
      }).returning('id').executeTakeFirstOrThrow();
      await uow.tx.updateTable('conversations').set({ last_activity_at: now, updated_at: now, message_count: c.message_count + 1 }).where('id', '=', c.id).where('brand_id', '=', actor.brandId).execute();
      if (input.followUpAt) {
        await enqueueJob(uow.tx, JOB_CALL_FOLLOW_UP, { conversationId: c.id, reason: `follow-up call after: ${input.summary.slice(0, 200)}` }, { brandId: actor.brandId, runAt: input.followUpAt, key: `call-follow-up:${c.id}` });
      }
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'call.logged', subjectType: 'conversation', subjectId: c.id, after: { messageId: m.id, direction: input.direction, durationSeconds: input.durationSeconds, followUpAt: input.followUpAt?.toISOString() ?? null }, at: now });
      uow.onCommit(() => this.bus.publish({ type: 'message.created', brandId: actor.brandId, conversationId: c.id, messageId: m.id, at: now.toISOString() }));
      return { messageId: m.id, followUpAt: input.followUpAt?.toISOString() ?? null };
    });
  }

  /** A customer asks to be called back (public form on the brand's site): a conversation plus a call task. */
  async requestCallback(channelId: string, input: { name: string; phone: string; email?: string | undefined; reason: string; preferredTime?: string | undefined }): Promise<{ accepted: boolean }> {
    const row = await this.site.channel(channelId, 'phone');
    const phone = input.phone.replace(/[^\d+]/g, '');
    const id = `callback:${randomUUID()}`;
    const message: CanonicalMessage = {
      providerMessageId: id, threadKey: null, direction: 'inbound', visibility: 'private', subject: 'Call-back request',
      author: { externalId: `tel:${phone}`, handle: phone, displayName: input.name, email: input.email ?? null },
      text: `Call-back requested on ${phone}${input.preferredTime ? ` (preferred: ${input.preferredTime})` : ''}: ${input.reason}`, sentAt: this.clock.now().toISOString(),
    };
    const r = await this.ingest.store(row.brand_id, row.id, [{ providerEventId: id, payload: message }]);
    // The task runs after the request's ingest job (queued before it); behind a long ingest backlog it
    // keeps looking for a while (many attempts, see call-follow-up.job.ts).
    await enqueueJob(this.db, JOB_CALL_FOLLOW_UP, { channelId: row.id, providerMessageId: id, reason: `call-back requested on ${phone}` }, { brandId: row.brand_id, key: `call-follow-up:${id}`, maxAttempts: 200 });
    return { accepted: r.accepted === 1 };
  }
}
