import { sql, type DB, type Kysely } from '@earshot/db';
import { WEBHOOK_SIGNATURE_HEADER } from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import { PermanentJobError, RetryAt, type JobDefinition } from '../jobs/job.types';
import { jobPayload } from '../jobs/job.types';
import { transact } from '../shared/unit-of-work';
import { JOB_WEBHOOK_DELIVER, type WebhookDeps } from './webhook.options';
import { postPinned, type PostResult } from './outbound-http';
import { countAttempt, insertAttempt, loadDeliveryTarget, type DeliveryRow, type SubscriptionRow } from './webhook.repository';
import { signWebhook } from './webhook.signature';

export const WEBHOOK_USER_AGENT = 'Earshot-Webhooks/1';

/**
 * webhook.deliver (external, leased): POSTs one delivery, signed, to its subscription's URL and logs
 * the attempt. A failure retries on the delivery's own backoff through the queue (RetryAt) until
 * `maxAttempts`; every failed attempt counts against the subscription, which is disabled after
 * `failureLimit` in a row. At least once: a worker killed after the POST and before the log is
 * written leaves the job leased, and the next worker sends it again — receivers dedupe on the
 * event id (or the delivery id).
 */
export function webhookDeliverJob(deps: WebhookDeps & { db: Kysely<DB>; bus: EventBus }): JobDefinition {
  const { db, settings } = deps;
  return {
    name: JOB_WEBHOOK_DELIVER,
    mode: 'external',
    async handle(job) {
      const { deliveryId, manual: manualFlag } = jobPayload(job, JOB_WEBHOOK_DELIVER);
      const manual = manualFlag === true;
      if (!/^[0-9a-f-]{36}$/.test(deliveryId)) throw new PermanentJobError('webhook.deliver without a delivery id');
      const target = await loadDeliveryTarget(db, deliveryId);
      if (!target) return; // the subscription (and its deliveries) were deleted
      const { delivery, subscription } = target;
      if (!manual && delivery.state !== 'pending') return;
      // A disabled subscription's deliveries wait: an admin re-enables it and redelivers them.
      if (!subscription.enabled) return;
      let secret: unknown;
      try { secret = deps.box.open(subscription.secret_enc); } catch { secret = null; }
      if (typeof secret !== 'string') throw new PermanentJobError('the subscription\'s secret cannot be opened (EARSHOT_SECRET_KEY changed?)');

      const body = JSON.stringify(delivery.payload);
      const now = deps.clock.now();
      const headers = {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, body, now.getTime() / 1000),
        'earshot-event': delivery.event_type,
        'earshot-event-id': `evt_${delivery.event_id}`,
        'earshot-delivery': delivery.id,
      };
      const result = await postPinned(subscription.url, body, headers, { policy: settings.policy, timeoutMs: settings.timeoutMs, maxResponseBytes: settings.maxResponseBytes });
      const ok = result.status !== null && result.status >= 200 && result.status < 300 && result.error === null;
      const attempt = await record(delivery, subscription, result, ok, manual);
      if (ok || manual) return;
      const error = result.error ?? `HTTP ${result.status ?? '?'}`;
      if (attempt >= settings.maxAttempts) return; // given up: the log says why; an admin may redeliver
      throw new RetryAt(new Date(deps.clock.now().getTime() + settings.retryDelayMs(attempt)), error);
    },
  };

  /** The attempt, the delivery's state and the subscription's failure count, in one transaction. Returns the attempt number. */
  async function record(d: DeliveryRow, s: SubscriptionRow, r: PostResult, ok: boolean, manual: boolean): Promise<number> {
    return transact(db, async (uow) => {
      const error = ok ? null : r.error ?? `HTTP ${r.status ?? '?'}`;
      const final = !ok && !manual && d.attempts + 1 >= settings.maxAttempts;
      // A manual redelivery that fails leaves the delivery as it was (an automatic retry may still be due).
      const state = ok ? 'delivered' : manual ? d.state : final ? 'failed' : 'pending';
      const attempt = await countAttempt(uow.tx, d.brand_id, d.id, { state, status: r.status, error, deliveredAt: ok ? deps.clock.now() : null });
      await insertAttempt(uow.tx, { brandId: d.brand_id, deliveryId: d.id, attempt, manual, status: r.status, durationMs: r.durationMs, error, excerpt: r.excerpt });
      if (ok) {
        await uow.tx.updateTable('webhook_subscriptions').set({ consecutive_failures: 0 }).where('brand_id', '=', d.brand_id).where('id', '=', s.id).where('consecutive_failures', '<>', 0).execute();
        return attempt;
      }
      const failures = (await sql<{ consecutive_failures: number; enabled: boolean }>`
        update webhook_subscriptions set consecutive_failures = consecutive_failures + 1
        where brand_id = ${d.brand_id} and id = ${s.id} returning consecutive_failures, enabled`.execute(uow.tx)).rows[0];
      if (failures && failures.enabled && failures.consecutive_failures >= settings.failureLimit) {
        const at = deps.clock.now();
        const reason = `${failures.consecutive_failures} delivery attempts in a row failed (last: ${error ?? ''})`.slice(0, 500);
        await uow.tx.updateTable('webhook_subscriptions').set({ enabled: false, disabled_reason: reason, disabled_at: at, updated_at: at }).where('brand_id', '=', d.brand_id).where('id', '=', s.id).execute();
        uow.record({ brandId: d.brand_id, actorType: 'system', actorId: 'webhooks', action: 'webhook.disabled', subjectType: 'webhook', subjectId: s.id, before: { enabled: true }, after: { enabled: false, reason, url: s.url }, at });
        // The desk hears it at once; the audit row is the durable record. Every desk of the brand hears bus
        // events, so the URL (it may hold a token) stays out of this one.
        uow.onCommit(() => deps.bus.publish({ type: 'webhook.disabled', brandId: d.brand_id, at: at.toISOString(), data: { webhookId: s.id, reason } }));
      }
      return attempt;
    });
  }
}
