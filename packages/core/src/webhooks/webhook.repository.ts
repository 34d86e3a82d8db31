import { sql, type Selectable, type WebhookSubscriptionsTable, type WebhookDeliveriesTable, type WebhookAttemptsTable } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';
import type { AuditEventRow } from './webhook.payload';

// All SQL of outbound webhooks. Every call takes the brand: no query reaches another brand's rows.

export type SubscriptionRow = Selectable<WebhookSubscriptionsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type AttemptRow = Selectable<WebhookAttemptsTable>;

export async function insertSubscription(ex: Executor, v: { brandId: string; url: string; description: string; events: string[]; secretEnc: string; enabled: boolean; lastSeq: string }): Promise<SubscriptionRow> {
  return ex.insertInto('webhook_subscriptions').values({
    brand_id: v.brandId, url: v.url, description: v.description, events: v.events, secret_enc: v.secretEnc, enabled: v.enabled, last_seq: v.lastSeq,
  }).returningAll().executeTakeFirstOrThrow();
}

export function listSubscriptions(ex: Executor, brandId: string): Promise<SubscriptionRow[]> {
  return ex.selectFrom('webhook_subscriptions').selectAll().where('brand_id', '=', brandId).orderBy('created_at').orderBy('id').execute();
}

export async function findSubscription(ex: Executor, brandId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<SubscriptionRow | undefined> {
  let q = ex.selectFrom('webhook_subscriptions').selectAll().where('brand_id', '=', brandId).where('id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function updateSubscription(ex: Executor, brandId: string, id: string, set: Partial<{ url: string; description: string; events: string[]; secret_enc: string; enabled: boolean; last_seq: string; consecutive_failures: number; disabled_reason: string | null; disabled_at: Date | null }>): Promise<SubscriptionRow> {
  return ex.updateTable('webhook_subscriptions').set({ ...set, updated_at: new Date() }).where('brand_id', '=', brandId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function deleteSubscription(ex: Executor, brandId: string, id: string): Promise<void> {
  await ex.deleteFrom('webhook_subscriptions').where('brand_id', '=', brandId).where('id', '=', id).execute();
}

/** The brand's latest audit seq: a new (or re-enabled) subscription starts after it. */
export async function latestAuditSeq(ex: Executor, brandId: string): Promise<string> {
  const r = await ex.selectFrom('audit_events').select('seq').where('brand_id', '=', brandId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return r ? String(r.seq) : '0';
}

/** The brand's enabled subscriptions, locked: two fan-outs of one brand take turns. */
export function lockEnabledSubscriptions(ex: Executor, brandId: string): Promise<SubscriptionRow[]> {
  return ex.selectFrom('webhook_subscriptions').selectAll().where('brand_id', '=', brandId).where('enabled', '=', true).orderBy('id').forUpdate().execute();
}

/** Audit rows of the brand after a seq, up to `upTo`, of the given actions, in seq order. */
export async function auditEventsBetween(ex: Executor, brandId: string, afterSeq: string, upTo: string, actions: string[], limit: number): Promise<AuditEventRow[]> {
  const rows = await ex.selectFrom('audit_events')
    .select(['id', 'brand_id', 'seq', 'actor_type', 'actor_id', 'action', 'subject_type', 'subject_id', 'before', 'after', 'created_at'])
    .where('brand_id', '=', brandId).where('seq', '>', afterSeq).where('seq', '<=', upTo).where('action', 'in', actions)
    .orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ ...r, id: String(r.id), seq: String(r.seq) }));
}

export interface NewDelivery { brandId: string; subscriptionId: string; eventId: string; eventType: string; payload: Record<string, unknown> }

/** Inserts deliveries; one that exists for its (subscription, event) is skipped. Returns the ids inserted. */
export async function insertDeliveries(ex: Executor, rows: NewDelivery[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await ex.insertInto('webhook_deliveries').values(rows.map((r) => ({
    brand_id: r.brandId, subscription_id: r.subscriptionId, event_id: r.eventId, event_type: r.eventType, payload: JSON.stringify(r.payload),
  }))).onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing()).returning('id').execute();
  return inserted.map((r) => r.id);
}

/** A delivery with its subscription (for the deliver job; by id only, the job carries no brand). */
export async function loadDeliveryTarget(ex: Executor, deliveryId: string): Promise<{ delivery: DeliveryRow; subscription: SubscriptionRow } | undefined> {
  const d = await ex.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirst();
  if (!d) return undefined;
  const s = await findSubscription(ex, d.brand_id, d.subscription_id);
  return s ? { delivery: d, subscription: s } : undefined;
}

export async function findDeliveryOf(ex: Executor, brandId: string, subscriptionId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<DeliveryRow | undefined> {
  let q = ex.selectFrom('webhook_deliveries').selectAll().where('brand_id', '=', brandId).where('subscription_id', '=', subscriptionId).where('id', '=', id);
  if (opts.forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Newest event first, keyset-paginated on the event id (the unique (subscription_id, event_id) index serves it). */
export function listDeliveries(ex: Executor, brandId: string, subscriptionId: string, page: { beforeEventId?: string | undefined; limit: number; state?: DeliveryRow['state'] | undefined }): Promise<DeliveryRow[]> {
  let q = ex.selectFrom('webhook_deliveries').selectAll().where('brand_id', '=', brandId).where('subscription_id', '=', subscriptionId);
  if (page.state) q = q.where('state', '=', page.state);
  if (page.beforeEventId) q = q.where('event_id', '<', page.beforeEventId);
  return q.orderBy('event_id', 'desc').limit(page.limit).execute();
}

export function attemptsOf(ex: Executor, brandId: string, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return ex.selectFrom('webhook_attempts').selectAll().where('brand_id', '=', brandId).where('delivery_id', 'in', deliveryIds).orderBy('id').execute();
}

export async function insertAttempt(ex: Executor, a: { brandId: string; deliveryId: string; attempt: number; manual: boolean; status: number | null; durationMs: number; error: string | null; excerpt: string }): Promise<void> {
  await ex.insertInto('webhook_attempts').values({
    brand_id: a.brandId, delivery_id: a.deliveryId, attempt: a.attempt, manual: a.manual, status_code: a.status, duration_ms: a.durationMs,
    error: a.error, response_excerpt: a.excerpt.replaceAll('\0', '') || null,
  }).execute();
}

/** Counts an attempt on the delivery; returns its new attempt number. */
export async function countAttempt(ex: Executor, brandId: string, id: string, set: { state: DeliveryRow['state']; status: number | null; error: string | null; deliveredAt: Date | null }): Promise<number> {
  const r = await ex.updateTable('webhook_deliveries').set((eb) => ({
    attempts: eb('attempts', '+', 1), state: set.state, last_status: set.status, last_error: set.error,
    ...(set.deliveredAt ? { delivered_at: set.deliveredAt } : {}), updated_at: new Date(),
  })).where('brand_id', '=', brandId).where('id', '=', id).returning('attempts').executeTakeFirst();
  return r?.attempts ?? 0;
}

/** Frees the running fan-out job's key, so an event committed while it runs enqueues the next run. */
export async function releaseOwnJobKey(ex: Executor, jobId: string): Promise<void> {
  await sql`update jobs set key = null where id = ${jobId}::bigint`.execute(ex);
}

/** Brands with at least one enabled subscription (the bus trigger's filter). */
export async function brandsWithEnabledSubscriptions(ex: Executor): Promise<string[]> {
  const rows = await ex.selectFrom('webhook_subscriptions').select('brand_id').distinct().where('enabled', '=', true).execute();
  return rows.map((r) => r.brand_id);
}

export function conversationsOfMessages(ex: Executor, brandId: string, messageIds: string[]): Promise<{ id: string; conversation_id: string }[]> {
  const ids = messageIds.filter((id) => /^[0-9a-f-]{36}$/.test(id));
  if (ids.length === 0) return Promise.resolve([]);
  return ex.selectFrom('messages').select(['id', 'conversation_id']).where('brand_id', '=', brandId).where('id', 'in', ids).execute();
}
