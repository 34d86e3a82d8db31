import { isWebhookEventName } from '@earshot/domain';
import { enqueueJob, enqueueJobs } from '../jobs/job.queue';
import { PermanentJobError, type JobDefinition } from '../jobs/job.types';
import { jobPayload } from '../jobs/job.types';
import type { UnitOfWork } from '../shared/unit-of-work';
import { JOB_WEBHOOK_DELIVER, JOB_WEBHOOK_FANOUT, type WebhookDeps } from './webhook.options';
import { payloadOf } from './webhook.payload';
import { auditEventsBetween, conversationsOfMessages, insertDeliveries, latestAuditSeq, lockEnabledSubscriptions, releaseOwnJobKey, type NewDelivery } from './webhook.repository';

/** Audit rows read per run; a longer backlog continues in the next run. */
const FANOUT_LIMIT = 500;

export const fanoutKey = (brandId: string) => `webhook.fanout:${brandId}`;
export const sweepKey = (brandId: string) => `webhook.sweep:${brandId}`;

/** Schedules the next sweep of a brand (key-deduped: at most one waits). */
export async function scheduleSweep(uow: UnitOfWork, brandId: string, deps: WebhookDeps): Promise<void> {
  await enqueueJob(uow.tx, JOB_WEBHOOK_FANOUT, { brandId }, { brandId, key: sweepKey(brandId), runAt: new Date(deps.clock.now().getTime() + deps.settings.sweepMs) });
}

/**
 * webhook.fanout (transactional): turns the brand's audit rows since each enabled subscription's
 * cursor into deliveries (one per subscription × event, unique) and their `webhook.deliver` jobs,
 * and moves the cursors, all in one transaction: a crash re-runs it as if it never started.
 * The audit row is written in the same transaction as the change it records, so an event cannot be
 * lost between the change's commit and this job (ADR 0018).
 */
export function webhookFanoutJob(deps: WebhookDeps): JobDefinition {
  return {
    name: JOB_WEBHOOK_FANOUT,
    mode: 'transactional',
    batchSize: 20,
    async handle(job, uow) {
      const { brandId } = jobPayload(job, JOB_WEBHOOK_FANOUT);
      if (!brandId) throw new PermanentJobError('webhook.fanout without a brand');
      // An event committed while this runs must enqueue a run of its own rather than find our key taken.
      await releaseOwnJobKey(uow.tx, job.id);
      const subs = await lockEnabledSubscriptions(uow.tx, brandId);
      if (subs.length === 0) return; // nothing to deliver; the sweep stops until a subscription is enabled
      const upTo = await latestAuditSeq(uow.tx, brandId);
      const from = subs.reduce((min, s) => (BigInt(s.last_seq) < min ? BigInt(s.last_seq) : min), BigInt(upTo));
      const actions = [...new Set(subs.flatMap((s) => s.events))].filter(isWebhookEventName);
      const rows = actions.length > 0 && from < BigInt(upTo) ? await auditEventsBetween(uow.tx, brandId, String(from), upTo, actions, FANOUT_LIMIT) : [];
      const reached = rows.length === FANOUT_LIMIT ? (rows[rows.length - 1]?.seq ?? upTo) : upTo;

      // Delivery audit rows name only the message: their conversation is looked up, in one query.
      const bare = rows.filter((r) => r.subject_type === 'message' && r.subject_id && !(r.after && typeof r.after === 'object' && 'conversationId' in r.after)).map((r) => r.subject_id ?? '');
      const conversationOf = new Map((await conversationsOfMessages(uow.tx, brandId, [...new Set(bare)])).map((m) => [m.id, m.conversation_id]));
      const deliveries: NewDelivery[] = [];
      for (const s of subs) {
        const wanted = new Set(s.events);
        for (const r of rows) {
          if (BigInt(r.seq) <= BigInt(s.last_seq) || !wanted.has(r.action) || !isWebhookEventName(r.action)) continue;
          deliveries.push({ brandId, subscriptionId: s.id, eventId: r.id, eventType: r.action, payload: payloadOf(r, r.action, conversationOf) });
        }
      }
      const ids = await insertDeliveries(uow.tx, deliveries);
      // Attempts are counted on the delivery; the queue's own limit is only a backstop above ours.
      await enqueueJobs(uow.tx, ids.map((id) => ({ name: JOB_WEBHOOK_DELIVER, payload: { deliveryId: id }, opts: { brandId, key: `webhook.deliver:${id}`, maxAttempts: deps.settings.maxAttempts + 5 } })));
      const behind = subs.filter((s) => BigInt(s.last_seq) < BigInt(reached)).map((s) => s.id);
      if (behind.length > 0) await uow.tx.updateTable('webhook_subscriptions').set({ last_seq: reached }).where('brand_id', '=', brandId).where('id', 'in', behind).execute();
      if (BigInt(reached) < BigInt(upTo)) await enqueueJob(uow.tx, JOB_WEBHOOK_FANOUT, { brandId }, { brandId, key: fanoutKey(brandId) });
      await scheduleSweep(uow, brandId, deps);
      if (ids.length > 0) uow.onCommit(() => deps.wake());
    },
  };
}
