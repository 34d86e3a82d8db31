import { z } from 'zod';

// Outbound webhooks: the events a brand can subscribe to, the payload every delivery carries, and
// the REST shapes. The names are the actions the server records in its audit trail (and, for the
// conversation and SLA ones, publishes on its event bus under the same name): one list, used by the
// route validation, the OpenAPI document, the fan-out and the desk.

export const WebhookEventNames = [
  'conversation.created',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.resolved',
  'conversation.reopened',
  'conversation.opened',
  'conversation.pending',
  'conversation.snoozed',
  'conversation.priority_changed',
  'message.received',
  'message.sent',
  'message.delivered',
  'message.delivery_failed',
  'sla.warning',
  'sla.breached',
  'sla.escalated',
] as const;
export const WebhookEventName = z.enum(WebhookEventNames);
export type WebhookEventName = z.infer<typeof WebhookEventName>;

export function isWebhookEventName(s: string): s is WebhookEventName {
  return (WebhookEventNames as readonly string[]).includes(s);
}

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (docs/webhooks.md). */
export const WEBHOOK_SIGNATURE_HEADER = 'earshot-signature';
/** A receiver refuses a signature whose timestamp is further than this from its clock (replay window). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The JSON body of every delivery. `id` is the event's id: the same event delivered twice has the same id. */
export const WebhookPayload = z.object({
  id: z.string().describe('event id (evt_<n>); receivers dedupe on it'),
  type: WebhookEventName,
  occurredAt: z.string().describe('ISO-8601 time of the change'),
  brandId: z.string(),
  subject: z.object({ type: z.string(), id: z.string().nullable() }),
  conversationId: z.string().nullable(),
  messageId: z.string().nullable(),
  actor: z.object({ type: z.string(), id: z.string().nullable() }),
  data: z.record(z.string(), z.unknown()).describe('the change as recorded in the audit trail (after)'),
  previous: z.record(z.string(), z.unknown()).nullable().describe('the values before the change, when there were any'),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

const iso = z.string();

/** A subscription as an admin sees it: never the secret. */
export const WebhookSubscriptionView = z.object({
  id: z.string(), url: z.string(), description: z.string(), events: z.array(WebhookEventName), enabled: z.boolean(),
  consecutiveFailures: z.number().int(), disabledReason: z.string().nullable(), disabledAt: iso.nullable(),
  createdAt: iso, updatedAt: iso,
});
export type WebhookSubscriptionView = z.infer<typeof WebhookSubscriptionView>;

/** Returned by create and rotate only: the signing secret is shown this once. */
export const WebhookWithSecret = z.object({ subscription: WebhookSubscriptionView, secret: z.string() });
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>;

export const WebhookAttemptView = z.object({
  attempt: z.number().int(), manual: z.boolean(), statusCode: z.number().int().nullable(), durationMs: z.number().int(),
  error: z.string().nullable(), at: iso,
  /** The start of the receiver's answer (at most 512 bytes), for debugging a receiver. */
  responseExcerpt: z.string().nullable(),
});
export type WebhookAttemptView = z.infer<typeof WebhookAttemptView>;

export const WebhookDeliveryState = z.enum(['pending', 'delivered', 'failed']);
/** A logged delivery keeps the event name it was made with, even if a later version stops offering that event. */
export const WebhookDeliveryView = z.object({
  id: z.string(), subscriptionId: z.string(), eventId: z.string(), eventType: z.string(), state: WebhookDeliveryState,
  attempts: z.number().int(), lastStatus: z.number().int().nullable(), lastError: z.string().nullable(), deliveredAt: iso.nullable(),
  createdAt: iso, payload: WebhookPayload.extend({ type: z.string() }), log: z.array(WebhookAttemptView),
});
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryView>;

export const WebhookDeliveryPage = z.object({ items: z.array(WebhookDeliveryView), nextCursor: z.string().nullable() });
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPage>;

const EventList = z.array(WebhookEventName).min(1, 'subscribe to at least one event').max(WebhookEventNames.length)
  .refine((a) => new Set(a).size === a.length, { message: 'an event is listed twice' });

export const WebhookCreateInput = z.strictObject({
  url: z.string().trim().min(1).max(2000),
  events: EventList,
  description: z.string().max(200).optional(),
  enabled: z.boolean().optional(),
});
export type WebhookCreateInput = z.infer<typeof WebhookCreateInput>;

export const WebhookUpdateInput = z.strictObject({
  url: z.string().trim().min(1).max(2000).optional(),
  events: EventList.optional(),
  description: z.string().max(200).optional(),
  enabled: z.boolean().optional(),
});
export type WebhookUpdateInput = z.infer<typeof WebhookUpdateInput>;
