import type { DB, Kysely } from '@earshot/db';
import { isEarshotError } from '@earshot/domain';
import type { ChannelService } from '../channels/channel.service';
import type { ChannelContext, OutboundMessage, SendResult } from '../channels/driver';
import { getDriver } from '../channels/registry';
import type { EventBus } from '../events/event-bus';
import { JOB_DELIVER } from '../conversations/conversation.service';
import { PermanentJobError, RetryAt, type JobDefinition } from '../jobs/job.types';
import { jobPayload } from '../jobs/job.types';
import type { Clock } from '../shared/clock';
import { transact } from '../shared/unit-of-work';
import { addThreadKeys } from '../conversations/conversation.repository';
import { findDelivery, finishFailed, finishSent, startAttempt } from './delivery.repository';
import { sendBudget } from './send-budget';
import { parkWhilePaused } from './paused-channel';
import { findChannelById } from '../channels/channel.repository';

type DeliveryStatus = 'sending' | 'sent' | 'failed';
const META_KINDS = new Set(['facebook', 'instagram']);

/** Why a permanent failure happened, in words the agent sees next to the message. */
function failureReason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function deliveredPartIdsOf(err: unknown): string[] {
  if (!isEarshotError(err)) return [];
  const ids = err.details?.deliveredPartIds;
  return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * deliver: send one outbound message through its channel's driver. Runs outside a transaction
 * (provider calls are slow). Never sends a message twice:
 * - a sent or failed message is skipped;
 * - each attempt is recorded in message_deliveries before the provider is called; an attempt left
 *   `in_flight` (the worker died during the call) has an unknown outcome, so the message is failed with
 *   that reason for the agent to check rather than posted again;
 * - parts of a split reply that went out before a failure are passed back, and the retry continues after them.
 */
/** Channel kinds whose "provider" is Earshot itself: sending needs the database, not a driver (the community's staff answers). */
export type LocalSender = (msg: OutboundMessage, ctx: ChannelContext) => Promise<SendResult>;

export function deliverJob(deps: { db: Kysely<DB>; channels: ChannelService; bus: EventBus; clock: Clock; localSenders?: Partial<Record<string, LocalSender>>; expandText?: (messageId: string, text: string) => Promise<string> }): JobDefinition {
  const { db } = deps;
  async function mark(brandId: string, conversationId: string, messageId: string, set: { delivery_status: DeliveryStatus; delivery_error?: string | null; provider_message_id?: string | null }, audit?: { action: string; providerMessageIds?: string[] }) {
    await transact(db, async (uow) => {
      const updated = await uow.tx.updateTable('messages').set(set).where('id', '=', messageId).where('brand_id', '=', brandId).returning('channel_id').executeTakeFirst();
      // Our sent post ids lead to this conversation: a customer replying to our reply threads into it.
      if (updated && set.delivery_status === 'sent' && audit?.providerMessageIds?.length) await addThreadKeys(uow.tx, brandId, updated.channel_id, conversationId, audit.providerMessageIds);
      if (audit) uow.record({ brandId, actorType: 'system', actorId: 'deliver', action: audit.action, subjectType: 'message', subjectId: messageId, after: { status: set.delivery_status, error: set.delivery_error ?? null, providerMessageIds: audit.providerMessageIds ?? [] }, at: deps.clock.now() });
      uow.onCommit(() => deps.bus.publish({ type: 'message.updated', brandId, conversationId, messageId, at: deps.clock.now().toISOString() }));
    });
  }

  return {
    name: JOB_DELIVER,
    mode: 'external',
    async handle(job) {
      const { messageId } = jobPayload(job, JOB_DELIVER);
      const m = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
      if (!m) throw new PermanentJobError(`message ${messageId} not found`);
      if (m.delivery_status === 'sent' || m.delivery_status === 'failed' || m.delivery_status === 'awaiting_approval') return;
      // A paused channel sends nothing: the reply waits (its attempts untouched) and goes out on resume.
      const fresh = await findChannelById(db, m.channel_id);
      if (fresh?.status === 'paused') {
        const parked = await transact(db, async (uow) => {
          const p = await parkWhilePaused(uow, job, m, deps.clock.now());
          if (p) uow.onCommit(() => deps.bus.publish({ type: 'message.updated', brandId: m.brand_id, conversationId: m.conversation_id, messageId: m.id, at: deps.clock.now().toISOString() }));
          return p;
        });
        if (parked) return;
      }
      const { row, ctx } = await deps.channels.load(m.channel_id);
      const driver = getDriver(row.kind);
      const local = deps.localSenders?.[row.kind];
      const send = local ?? driver.send?.bind(driver);
      if (!send) {
        // API and import channels have no provider to send to: the reply is recorded for integrations to read.
        await mark(m.brand_id, m.conversation_id, m.id, { delivery_status: 'sent', provider_message_id: null }, { action: 'message.delivered' });
        return;
      }
      const prior = await findDelivery(db, m.id);
      if (prior?.state === 'in_flight') {
        const reason = 'Delivery outcome unknown: the worker stopped while the provider was being called. Check the channel; send again only if it did not arrive.';
        await finishFailed(db, m.id, { state: 'failed', error: reason, code: 'EARSHOT_DELIVERY_UNKNOWN', deliveredPartIds: [] });
        await mark(m.brand_id, m.conversation_id, m.id, { delivery_status: 'failed', delivery_error: reason }, { action: 'message.delivery_failed', providerMessageIds: prior.delivered_part_ids });
        throw new PermanentJobError(reason);
      }

      const budget = await sendBudget(db, row, deps.clock.now());
      if (budget.remaining === 0 && budget.resetAt) {
        const reason = `Daily send budget of ${budget.limit} for this channel is used up; waiting until ${budget.resetAt}`;
        await mark(m.brand_id, m.conversation_id, m.id, { delivery_status: 'sending', delivery_error: reason });
        throw new RetryAt(new Date(budget.resetAt), reason);
      }

      // A survey message's link is put in only now: its token is never stored (csat/csat.token.ts).
      const text = deps.expandText ? await deps.expandText(m.id, m.text) : m.text;
      const outbound = await buildOutbound(db, { ...m, text }, row.kind, prior?.delivered_part_ids ?? []);
      await mark(m.brand_id, m.conversation_id, m.id, { delivery_status: 'sending' });
      await startAttempt(db, { messageId: m.id, brandId: m.brand_id, channelId: m.channel_id });
      const msg = m;
      const onSendError = async (err: unknown): Promise<never> => {
        const code = isEarshotError(err) ? err.code : null;
        const parts = deliveredPartIdsOf(err);
        const reason = failureReason(err);
        if (code === 'EARSHOT_PROVIDER_RATE_LIMITED') {
          await finishFailed(db, msg.id, { state: 'retrying', error: reason, code, deliveredPartIds: parts });
          await mark(msg.brand_id, msg.conversation_id, msg.id, { delivery_status: 'sending', delivery_error: reason });
          const retryAt = isEarshotError(err) && typeof err.details?.retryAt === 'string' ? new Date(err.details.retryAt) : new Date(deps.clock.now().getTime() + 60_000);
          throw new RetryAt(retryAt, reason);
        }
        if (code === 'EARSHOT_PROVIDER_REJECTED' || code === 'EARSHOT_CHANNEL_RULE' || code === 'EARSHOT_VALIDATION' || code === 'EARSHOT_CONFIG') {
          await finishFailed(db, msg.id, { state: 'failed', error: reason, code, deliveredPartIds: parts });
          await mark(msg.brand_id, msg.conversation_id, msg.id, { delivery_status: 'failed', delivery_error: reason }, { action: 'message.delivery_failed', providerMessageIds: parts });
          throw new PermanentJobError(reason);
        }
        // Outage, timeout, refused connection: retry with the worker's backoff. On the last attempt the
        // agent must see that it failed, not a message stuck in "sending".
        const last = job.attempts >= job.max_attempts;
        await finishFailed(db, msg.id, { state: last ? 'failed' : 'retrying', error: reason, code, deliveredPartIds: parts });
        await mark(msg.brand_id, msg.conversation_id, msg.id, { delivery_status: last ? 'failed' : 'sending', delivery_error: reason }, last ? { action: 'message.delivery_failed', providerMessageIds: parts } : undefined);
        throw err;
      };
      let providerIds: string[];
      try {
        providerIds = (await send(outbound, ctx)).providerMessageIds;
      } catch (err) {
        return onSendError(err);
      }
      // From here the provider has the message: a failure to record it must not lead to a second send,
      // so it is left `in_flight` (see above) rather than treated as a send failure.
      await finishSent(db, m.id, providerIds);
      await mark(m.brand_id, m.conversation_id, m.id, { delivery_status: 'sent', delivery_error: null, provider_message_id: providerIds[0] ?? null }, { action: 'message.delivered', providerMessageIds: providerIds });
    },
  };
}

/** The message as the driver needs it: what it replies to, who receives it, the thread, Meta's tag. */
async function buildOutbound(
  db: Kysely<DB>,
  m: { id: string; conversation_id: string; idempotency_key: string | null; text: string; visibility: 'public' | 'private'; author_user_id: string | null },
  kind: string,
  deliveredPartIds: string[],
): Promise<OutboundMessage> {
  const conv = await db.selectFrom('conversations').select(['last_inbound_at', 'subject']).where('id', '=', m.conversation_id).executeTakeFirstOrThrow();
  const inbound = (visibility?: 'public' | 'private') => {
    let q = db.selectFrom('messages as im').leftJoin('contact_identities as ci', 'ci.id', 'im.author_identity_id')
      .select(['im.provider_message_id', 'im.provider_thread_id', 'ci.external_id', 'ci.handle'])
      .where('im.conversation_id', '=', m.conversation_id).where('im.direction', '=', 'inbound').where('im.kind', '=', 'message');
    if (visibility) q = q.where('im.visibility', '=', visibility);
    return q.orderBy('im.sent_at', 'desc').orderBy('im.created_at', 'desc').limit(1).executeTakeFirst();
  };
  const lastSame = await inbound(m.visibility);
  const lastAny = lastSame ?? await inbound();
  return {
    messageId: m.id,
    idempotencyKey: m.idempotency_key ?? m.id,
    text: m.text,
    visibility: m.visibility,
    replyToProviderId: lastSame?.provider_message_id ?? null,
    threadKey: lastAny?.provider_thread_id ?? null,
    recipient: { externalId: lastAny?.external_id ?? '', handle: lastAny?.handle ?? null },
    subject: conv.subject || null,
    lastInboundAt: conv.last_inbound_at?.toISOString() ?? null,
    // A person wrote this private Meta reply: outside the 24-hour window Meta allows it with HUMAN_AGENT
    // (up to 7 days); inside the window the driver sends a plain RESPONSE anyway.
    messageTag: META_KINDS.has(kind) && m.visibility === 'private' && m.author_user_id !== null ? 'HUMAN_AGENT' : null,
    deliveredPartIds,
  };
}
