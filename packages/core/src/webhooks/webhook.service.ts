import { z } from 'zod';
import type { DB, Kysely } from '@earshot/db';
import {
  EarshotError, isWebhookEventName,
  type WebhookCreateInput, type WebhookDeliveryPage, type WebhookDeliveryView, type WebhookSubscriptionView, type WebhookUpdateInput, type WebhookWithSecret,
} from '@earshot/domain';
import type { DeskEvent, EventBus } from '../events/event-bus';
import { enqueueJob } from '../jobs/job.queue';
import type { JobDefinition } from '../jobs/job.types';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { cursorCodec } from '../shared/cursor';
import type { SecretBox } from '../shared/crypto';
import { transact } from '../shared/unit-of-work';
import { resolveTarget } from './outbound-http';
import { webhookDeliverJob } from './webhook-deliver.job';
import { fanoutKey, scheduleSweep, webhookFanoutJob } from './webhook-fanout.job';
import { JOB_WEBHOOK_DELIVER, JOB_WEBHOOK_FANOUT, webhookSettings, type WebhookDeps, type WebhookOptions, type WebhookSettings } from './webhook.options';
import {
  attemptsOf, brandsWithEnabledSubscriptions, deleteSubscription, findDeliveryOf, findSubscription, insertSubscription, latestAuditSeq, listDeliveries,
  listSubscriptions, updateSubscription, type AttemptRow, type DeliveryRow, type SubscriptionRow,
} from './webhook.repository';
import { newWebhookSecret } from './webhook.signature';

/** How long the list of brands with subscriptions is trusted by the bus trigger (the sweep covers the rest). */
const BRANDS_TTL_MS = 5_000;

function toView(r: SubscriptionRow): WebhookSubscriptionView {
  return {
    id: r.id, url: r.url, description: r.description, events: r.events.filter(isWebhookEventName), enabled: r.enabled,
    consecutiveFailures: r.consecutive_failures, disabledReason: r.disabled_reason, disabledAt: r.disabled_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  };
}

function deliveryView(d: DeliveryRow, log: AttemptRow[]): WebhookDeliveryView {
  return {
    id: d.id, subscriptionId: d.subscription_id, eventId: `evt_${d.event_id}`, eventType: d.event_type,
    state: d.state, attempts: d.attempts, lastStatus: d.last_status, lastError: d.last_error, deliveredAt: d.delivered_at?.toISOString() ?? null,
    createdAt: d.created_at.toISOString(), payload: d.payload as WebhookDeliveryView['payload'],
    log: log.map((a) => ({ attempt: a.attempt, manual: a.manual, statusCode: a.status_code, durationMs: a.duration_ms, error: a.error, at: a.created_at.toISOString(), responseExcerpt: a.response_excerpt })),
  };
}

/** The deliveries page cursor: the last event of the page (a bigint, as a string). */
const deliveryCursor = cursorCodec(z.strictObject({ e: z.string().regex(/^\d{1,19}$/) }));

const notFound = () => new EarshotError('EARSHOT_WEBHOOK_NOT_FOUND', 'webhook subscription not found', { field: 'params.id' });

/**
 * Outbound webhooks of a brand: subscriptions (admin), the delivery log, redelivery, and the jobs
 * that fan events out and deliver them. The signing secret is generated here, sealed at rest and
 * returned only by create and rotate; it is never logged or audited.
 */
export class WebhookService {
  readonly settings: WebhookSettings;
  readonly #deps: WebhookDeps;
  #brands: Set<string> | null = null;
  #brandsAt = 0;
  #brandsLoading: Promise<void> | null = null;
  /** Bumped by every local change of subscriptions: a look-up that started before it is not trusted. */
  #brandsGen = 0;
  readonly #inFlight = new Set<string>();
  readonly #again = new Set<string>();

  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, box: SecretBox, private readonly clock: Clock, wake: () => void, opts: WebhookOptions = {}) {
    this.settings = webhookSettings(opts);
    this.#deps = { box, clock, settings: this.settings, wake };
    bus.subscribe((e) => this.#onEvent(e));
  }

  /** The job kinds (registered in Core.jobs()). */
  jobs(): JobDefinition[] {
    return [webhookFanoutJob(this.#deps), webhookDeliverJob({ ...this.#deps, db: this.db, bus: this.bus })];
  }

  async list(actor: Actor): Promise<WebhookSubscriptionView[]> {
    return (await listSubscriptions(this.db, actor.brandId)).map(toView);
  }

  async get(actor: Actor, id: string): Promise<WebhookSubscriptionView> {
    const r = await findSubscription(this.db, actor.brandId, id);
    if (!r) throw notFound();
    return toView(r);
  }

  async create(actor: Actor, input: WebhookCreateInput): Promise<WebhookWithSecret> {
    const url = (await resolveTarget(input.url, this.settings.policy)).url.toString();
    const secret = newWebhookSecret();
    const row = await transact(this.db, async (uow) => {
      // Events from now on: the subscription starts after the brand's latest audit row.
      const r = await insertSubscription(uow.tx, {
        brandId: actor.brandId, url, description: input.description ?? '', events: input.events, secretEnc: this.#deps.box.seal(secret),
        enabled: input.enabled ?? true, lastSeq: await latestAuditSeq(uow.tx, actor.brandId),
      });
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'webhook.created', subjectType: 'webhook', subjectId: r.id, after: { url, events: r.events, enabled: r.enabled, description: r.description }, at: this.clock.now() });
      if (r.enabled) await scheduleSweep(uow, actor.brandId, this.#deps);
      return r;
    });
    this.#invalidateBrands();
    return { subscription: toView(row), secret };
  }

  async update(actor: Actor, id: string, input: WebhookUpdateInput): Promise<WebhookSubscriptionView> {
    const url = input.url === undefined ? undefined : (await resolveTarget(input.url, this.settings.policy)).url.toString();
    const row = await transact(this.db, async (uow) => {
      const before = await findSubscription(uow.tx, actor.brandId, id, { forUpdate: true });
      if (!before) throw notFound();
      const set: Parameters<typeof updateSubscription>[3] = {};
      if (url !== undefined && url !== before.url) set.url = url;
      if (input.events !== undefined) set.events = input.events;
      if (input.description !== undefined) set.description = input.description;
      if (input.enabled !== undefined && input.enabled !== before.enabled) {
        set.enabled = input.enabled;
        if (input.enabled) {
          // Re-enabled: a fresh start. Events of the time it was off are not sent (deliveries logged before can be redelivered).
          Object.assign(set, { consecutive_failures: 0, disabled_reason: null, disabled_at: null, last_seq: await latestAuditSeq(uow.tx, actor.brandId) });
        } else {
          Object.assign(set, { disabled_reason: 'disabled by an admin', disabled_at: this.clock.now() });
        }
      }
      if (Object.keys(set).length === 0) return before;
      const r = await updateSubscription(uow.tx, actor.brandId, id, set);
      const pick = (x: SubscriptionRow) => ({ url: x.url, events: x.events, enabled: x.enabled, description: x.description });
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'webhook.updated', subjectType: 'webhook', subjectId: id, before: pick(before), after: pick(r), at: this.clock.now() });
      if (r.enabled) await scheduleSweep(uow, actor.brandId, this.#deps);
      return r;
    });
    this.#invalidateBrands();
    return toView(row);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await transact(this.db, async (uow) => {
      const before = await findSubscription(uow.tx, actor.brandId, id, { forUpdate: true });
      if (!before) throw notFound();
      await deleteSubscription(uow.tx, actor.brandId, id);
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'webhook.deleted', subjectType: 'webhook', subjectId: id, before: { url: before.url, events: before.events, enabled: before.enabled }, at: this.clock.now() });
    });
    this.#invalidateBrands();
  }

  /** A new signing secret, returned this once; the old one stops working at once. */
  async rotateSecret(actor: Actor, id: string): Promise<WebhookWithSecret> {
    const secret = newWebhookSecret();
    const row = await transact(this.db, async (uow) => {
      const before = await findSubscription(uow.tx, actor.brandId, id, { forUpdate: true });
      if (!before) throw notFound();
      const r = await updateSubscription(uow.tx, actor.brandId, id, { secret_enc: this.#deps.box.seal(secret) });
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'webhook.secret_rotated', subjectType: 'webhook', subjectId: id, after: { secretRotated: true }, at: this.clock.now() });
      return r;
    });
    return { subscription: toView(row), secret };
  }

  async deliveries(actor: Actor, id: string, q: { cursor?: string | undefined; limit?: number | undefined; state?: 'pending' | 'delivered' | 'failed' | undefined }): Promise<WebhookDeliveryPage> {
    if (!(await findSubscription(this.db, actor.brandId, id))) throw notFound();
    const limit = q.limit ?? 50;
    const rows = await listDeliveries(this.db, actor.brandId, id, { beforeEventId: q.cursor ? deliveryCursor.decode(q.cursor).e : undefined, limit: limit + 1, state: q.state });
    const page = rows.slice(0, limit);
    const attempts = await attemptsOf(this.db, actor.brandId, page.map((d) => d.id));
    const last = page[page.length - 1];
    return {
      items: page.map((d) => deliveryView(d, attempts.filter((a) => a.delivery_id === d.id))),
      nextCursor: rows.length > limit && last ? deliveryCursor.encode({ e: String(last.event_id) }) : null,
    };
  }

  async delivery(actor: Actor, id: string, deliveryId: string): Promise<WebhookDeliveryView> {
    const d = await findDeliveryOf(this.db, actor.brandId, id, deliveryId);
    if (!d) throw new EarshotError('EARSHOT_WEBHOOK_NOT_FOUND', 'delivery not found', { field: 'params.deliveryId' });
    return deliveryView(d, await attemptsOf(this.db, actor.brandId, [d.id]));
  }

  /** Sends one delivery again now (whatever its state), as one attempt marked manual. */
  async redeliver(actor: Actor, id: string, deliveryId: string): Promise<WebhookDeliveryView> {
    await transact(this.db, async (uow) => {
      const s = await findSubscription(uow.tx, actor.brandId, id);
      if (!s) throw notFound();
      if (!s.enabled) throw new EarshotError('EARSHOT_INVALID_STATE', 'the subscription is disabled: enable it first', { field: 'params.id' });
      const d = await findDeliveryOf(uow.tx, actor.brandId, id, deliveryId, { forUpdate: true });
      if (!d) throw new EarshotError('EARSHOT_WEBHOOK_NOT_FOUND', 'delivery not found', { field: 'params.deliveryId' });
      const added = await enqueueJob(uow.tx, JOB_WEBHOOK_DELIVER, { deliveryId: d.id, manual: true }, { brandId: actor.brandId, key: `webhook.redeliver:${d.id}`, maxAttempts: 1 });
      if (added === 0) throw new EarshotError('EARSHOT_CONFLICT', 'a redelivery of this delivery is already queued', { field: 'params.deliveryId' });
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'webhook.redelivery_requested', subjectType: 'webhook', subjectId: id, after: { deliveryId: d.id, eventId: `evt_${d.event_id}` }, at: this.clock.now() });
      uow.onCommit(() => this.#deps.wake());
    });
    return this.delivery(actor, id, deliveryId);
  }

  /** Asks for a fan-out of the brand's new events now (the bus trigger; tests call it directly). */
  async requestFanout(brandId: string): Promise<void> {
    await enqueueJob(this.db, JOB_WEBHOOK_FANOUT, { brandId }, { brandId, key: fanoutKey(brandId) });
    this.#deps.wake();
  }

  /**
   * Any desk event of a brand with subscriptions wakes its fan-out. The event itself is not what is
   * delivered (the audit row is): a wake-up lost here only delays delivery until the next event or sweep.
   */
  #onEvent(e: DeskEvent): void {
    if (e.type.startsWith('webhook.') || e.type.startsWith('presence.')) return;
    void this.#trigger(e.brandId).catch(() => undefined);
  }

  async #trigger(brandId: string): Promise<void> {
    if (!(await this.#hasSubscriptions(brandId))) return;
    // One enqueue per brand at a time; events arriving meanwhile are covered by one more.
    if (this.#inFlight.has(brandId)) { this.#again.add(brandId); return; }
    this.#inFlight.add(brandId);
    try {
      do {
        this.#again.delete(brandId);
        await this.requestFanout(brandId);
      } while (this.#again.has(brandId));
    } finally {
      this.#inFlight.delete(brandId);
    }
  }

  #invalidateBrands(): void {
    this.#brandsGen += 1;
    this.#brandsAt = 0;
  }

  async #hasSubscriptions(brandId: string): Promise<boolean> {
    for (let i = 0; i < 3 && (!this.#brands || this.clock.now().getTime() - this.#brandsAt > BRANDS_TTL_MS); i++) {
      const gen = this.#brandsGen;
      this.#brandsLoading ??= brandsWithEnabledSubscriptions(this.db).then((b) => {
        this.#brands = new Set(b);
        if (gen === this.#brandsGen) this.#brandsAt = this.clock.now().getTime();
      }).finally(() => { this.#brandsLoading = null; });
      await this.#brandsLoading;
    }
    return this.#brands?.has(brandId) ?? false;
  }
}
