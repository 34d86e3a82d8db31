import type { DB, Kysely } from '@earshot/db';
import { isEarshotError } from '@earshot/domain';
import type { ChannelService } from '../channels/channel.service';
import { getDriver } from '../channels/registry';
import type { EventBus } from '../events/event-bus';
import { JOB_DELIVER } from '../conversations/conversation.service';
import { PermanentJobError, RetryAt, type JobDefinition } from '../jobs/job.types';
import type { Clock } from '../shared/clock';
import { transact } from '../shared/unit-of-work';

/**
 * deliver: send one outbound message through its channel's driver. Runs outside a transaction
 * (provider calls are slow); never sends a message twice: a sent message is skipped, and the
 * idempotency key goes to the provider so a send retried after a crash is recognised there.
 */
export function deliverJob(deps: { db: Kysely<DB>; channels: ChannelService; bus: EventBus; clock: Clock }): JobDefinition {
  const { db } = deps;
  async function mark(brandId: string, conversationId: string, messageId: string, set: { delivery_status: 'sending' | 'sent' | 'failed'; delivery_error?: string | null; provider_message_id?: string | null }, audit?: string) {
    await transact(db, async (uow) => {
      await uow.tx.updateTable('messages').set(set).where('id', '=', messageId).execute();
      if (audit) uow.record({ brandId, actorType: 'system', actorId: 'deliver', action: audit, subjectType: 'message', subjectId: messageId, after: { status: set.delivery_status, error: set.delivery_error ?? null, providerMessageId: set.provider_message_id ?? null }, at: deps.clock.now() });
      uow.onCommit(() => deps.bus.publish({ type: 'message.updated', brandId, conversationId, messageId, at: deps.clock.now().toISOString() }));
    });
  }

  return {
    name: JOB_DELIVER,
    mode: 'external',
    async handle(job) {
      const messageId = String(job.payload.messageId ?? '');
      const m = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
      if (!m) throw new PermanentJobError(`message ${messageId} not found`);
      if (m.delivery_status === 'sent' || m.delivery_status === 'failed' || m.delivery_status === 'awaiting_approval') return;
      const { row, ctx } = await deps.channels.load(m.channel_id);
      const driver = getDriver(row.kind);
      if (!driver.send) {
        // API and import channels have no provider to send to: the reply is recorded for integrations to read.
        await mark(m.brand_id, m.conversation_id, m.id, { delivery_status: 'sent', provider_message_id: null }, 'message.delivered');
        return;
      }
      const conv = await db.selectFrom('conversations').select(['contact_id', 'last_inbound_at', 'subject']).where('id', '=', m.conversation_id).executeTakeFirstOrThrow();
      const lastInbound = await db.selectFrom('messages as im').leftJoin('contact_identities as ci', 'ci.id', 'im.author_identity_id')
        .select(['im.provider_message_id', 'im.provider_thread_id', 'im.visibility', 'ci.external_id', 'ci.handle'])
        .where('im.conversation_id', '=', m.conversation_id).where('im.direction', '=', 'inbound')
        .where('im.visibility', '=', m.visibility).orderBy('im.sent_at', 'desc').limit(1).executeTakeFirst();
      const anyInbound = lastInbound ?? await db.selectFrom('messages as im').leftJoin('contact_identities as ci', 'ci.id', 'im.author_identity_id')
        .select(['im.provider_message_id', 'im.provider_thread_id', 'im.visibility', 'ci.external_id', 'ci.handle'])
        .where('im.conversation_id', '=', m.conversation_id).where('im.direction', '=', 'inbound').orderBy('im.sent_at', 'desc').limit(1).executeTakeFirst();
      await mark(m.brand_id, m.conversation_id, m.id, { delivery_status: 'sending' });
      try {
        const res = await driver.send({
          messageId: m.id, idempotencyKey: m.idempotency_key ?? m.id, text: m.text, visibility: m.visibility,
          replyToProviderId: lastInbound?.provider_message_id ?? null, threadKey: anyInbound?.provider_thread_id ?? null,
          recipient: { externalId: anyInbound?.external_id ?? '', handle: anyInbound?.handle ?? null },
          subject: conv.subject || null, lastInboundAt: conv.last_inbound_at?.toISOString() ?? null,
        } as Parameters<NonNullable<typeof driver.send>>[0], ctx);
        await mark(m.brand_id, m.conversation_id, m.id, { delivery_status: 'sent', delivery_error: null, provider_message_id: res.providerMessageIds[0] ?? null }, 'message.delivered');
      } catch (err) {
        if (isEarshotError(err) && err.code === 'EARSHOT_PROVIDER_RATE_LIMITED') {
          await mark(m.brand_id, m.conversation_id, m.id, { delivery_status: 'sending', delivery_error: err.message });
          const at = typeof err.details?.retryAt === 'string' ? new Date(err.details.retryAt) : new Date(Date.now() + 60_000);
          throw new RetryAt(at, err.message);
        }
        if (isEarshotError(err) && (err.code === 'EARSHOT_PROVIDER_REJECTED' || err.code === 'EARSHOT_CHANNEL_RULE')) {
          await mark(m.brand_id, m.conversation_id, m.id, { delivery_status: 'failed', delivery_error: err.message }, 'message.delivery_failed');
          throw new PermanentJobError(err.message);
        }
        const reason = err instanceof Error ? err.message : String(err);
        // On the last attempt the agent must see that it failed, not a message stuck in "sending".
        const last = job.attempts >= job.max_attempts;
        await mark(m.brand_id, m.conversation_id, m.id, { delivery_status: last ? 'failed' : 'sending', delivery_error: reason }, last ? 'message.delivery_failed' : undefined);
        throw err;
      }
    },
  };
}
