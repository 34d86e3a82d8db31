import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TOLERANCE_SECONDS, WebhookCreateInput, WebhookDeliveryPage, WebhookDeliveryState, WebhookDeliveryView,
  WebhookEventName, WebhookEventNames, WebhookPayload, WebhookSubscriptionView, WebhookUpdateInput, WebhookWithSecret,
} from '@earshot/domain';
import { authErrors, IdParams, Ok, type RouteDeps } from './shared';

const DeliveryParams = z.strictObject({ id: z.uuid('must be a UUID'), deliveryId: z.uuid('must be a UUID') });

/** What a receiver gets, described once for integrators (and for the OpenAPI document). */
const EventCatalogue = z.object({
  events: z.array(WebhookEventName), signatureHeader: z.string(), toleranceSeconds: z.number().int(), samplePayload: WebhookPayload,
});

/** Outbound webhooks (admin): subscriptions, the secret (shown on create and rotate only), the delivery log, redelivery. */
export async function webhookRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['webhooks'];

  r.get('/api/v1/webhooks', { schema: { tags, summary: 'The brand\'s webhook subscriptions (never their secrets)', response: { 200: z.object({ items: z.array(WebhookSubscriptionView) }), ...authErrors } } },
    async (req) => ({ items: await core.webhooks.list(req.can('webhook:manage')) }));
  r.get('/api/v1/webhooks/events', {
    schema: { tags, summary: 'The events a subscription can name, the signature header and replay window, and the payload every delivery carries', response: { 200: EventCatalogue, ...authErrors } },
  }, (req) => {
    const actor = req.can('webhook:manage');
    return {
      events: [...WebhookEventNames], signatureHeader: WEBHOOK_SIGNATURE_HEADER, toleranceSeconds: WEBHOOK_TOLERANCE_SECONDS,
      samplePayload: {
        id: 'evt_1042', type: 'conversation.assigned' as const, occurredAt: new Date(0).toISOString(), brandId: actor.brandId,
        subject: { type: 'conversation', id: '00000000-0000-4000-8000-000000000001' }, conversationId: '00000000-0000-4000-8000-000000000001', messageId: null,
        actor: { type: 'user', id: '00000000-0000-4000-8000-000000000002' }, data: { assigneeId: '00000000-0000-4000-8000-000000000003' }, previous: { assigneeId: null },
      },
    };
  });
  r.post('/api/v1/webhooks', {
    schema: {
      tags, summary: 'Subscribe a URL to events; the answer holds the signing secret, shown this once (https only; private addresses refused)',
      body: WebhookCreateInput, response: { 200: WebhookWithSecret, ...authErrors },
    },
  }, async (req) => core.webhooks.create(req.can('webhook:manage'), req.body));
  r.get('/api/v1/webhooks/:id', { schema: { tags, summary: 'One subscription', params: IdParams, response: { 200: WebhookSubscriptionView, ...authErrors } } },
    async (req) => core.webhooks.get(req.can('webhook:manage'), req.params.id));
  r.patch('/api/v1/webhooks/:id', {
    schema: { tags, summary: 'Change the URL, events or description; enable or disable (re-enabling starts from new events)', params: IdParams, body: WebhookUpdateInput, response: { 200: WebhookSubscriptionView, ...authErrors } },
  }, async (req) => core.webhooks.update(req.can('webhook:manage'), req.params.id, req.body));
  r.delete('/api/v1/webhooks/:id', { schema: { tags, summary: 'Delete a subscription and its delivery log', params: IdParams, response: { 200: Ok, ...authErrors } } }, async (req) => {
    await core.webhooks.remove(req.can('webhook:manage'), req.params.id);
    return { ok: true as const };
  });
  r.post('/api/v1/webhooks/:id/rotate-secret', {
    schema: { tags, summary: 'A new signing secret, shown this once; the old one stops signing at once', params: IdParams, response: { 200: WebhookWithSecret, ...authErrors } },
  }, async (req) => core.webhooks.rotateSecret(req.can('webhook:manage'), req.params.id));
  r.get('/api/v1/webhooks/:id/deliveries', {
    schema: {
      tags, summary: 'The delivery log, newest event first: state, attempts, and per attempt the status code, time taken and error', params: IdParams,
      querystring: z.strictObject({ cursor: z.string().max(40).optional(), limit: z.coerce.number().int().min(1).max(200).optional(), state: WebhookDeliveryState.optional() }),
      response: { 200: WebhookDeliveryPage, ...authErrors },
    },
  }, async (req) => core.webhooks.deliveries(req.can('webhook:manage'), req.params.id, req.query));
  r.post('/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver', {
    schema: { tags, summary: 'Send one delivery again now (one attempt, marked manual in the log)', params: DeliveryParams, response: { 200: WebhookDeliveryView, ...authErrors } },
  }, async (req) => core.webhooks.redeliver(req.can('webhook:manage'), req.params.id, req.params.deliveryId));
}
