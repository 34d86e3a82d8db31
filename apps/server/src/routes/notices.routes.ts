import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NoticeBatchView, NoticeStatus, NoticeView } from '@earshot/domain';
import { authErrors, IdParams, type RouteDeps } from './shared';

const Text = z.string().trim().min(1).max(5000).refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');
const Key = z.string().trim().min(1).max(200).optional();

/** Incident updates to every linked customer, bulk replies to an inbox selection, and their progress. */
export async function noticeRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['notices'];
  r.get('/api/v1/incidents/:id/notices', { schema: { tags, summary: 'Updates posted from this incident, newest first, with their progress', params: IdParams, response: { 200: z.object({ items: z.array(NoticeBatchView) }), ...authErrors } } },
    async (req) => ({ items: await core.notices.incidentBatches(req.can('conversation:read'), req.params.id) }));
  r.post('/api/v1/incidents/:id/notices', {
    schema: {
      tags, summary: 'Post an update to every conversation linked to the incident (each in the form its channel allows, through the delivery queue); resolve: also resolve the incident and those conversations',
      params: IdParams, body: z.strictObject({ text: Text, resolve: z.boolean().optional(), idempotencyKey: Key }), response: { 200: NoticeBatchView, ...authErrors },
    },
  }, async (req) => {
    const who = req.can('conversation:reply');
    if (req.body.resolve) req.can('conversation:update');
    return core.notices.postIncidentUpdate(who, req.params.id, req.body);
  });
  r.post('/api/v1/conversations/bulk-reply', {
    schema: {
      tags, summary: 'Reply to a selection of conversations at once (409 EARSHOT_CONFLICT asks to confirm a public repeat with acknowledgeRepeat)',
      body: z.strictObject({ conversationIds: z.array(z.uuid()).min(1).max(500), text: Text, acknowledgeRepeat: z.boolean().optional(), idempotencyKey: Key }), response: { 200: NoticeBatchView, ...authErrors },
    },
  }, async (req) => core.notices.bulkReply(req.can('conversation:reply'), req.body));
  r.get('/api/v1/notice-batches/:id', { schema: { tags, summary: 'A batch and its progress (queued, sent, failed, skipped)', params: IdParams, response: { 200: NoticeBatchView, ...authErrors } } },
    async (req) => core.notices.batch(req.can('conversation:read'), req.params.id));
  r.get('/api/v1/notice-batches/:id/notices', {
    schema: { tags, summary: 'A batch\'s notices, failures first, with the reason', params: IdParams, querystring: z.strictObject({ status: NoticeStatus.optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }), response: { 200: z.object({ items: z.array(NoticeView) }), ...authErrors } },
  }, async (req) => ({ items: await core.notices.notices(req.can('conversation:read'), req.params.id, req.query.status, req.query.limit) }));
  r.post('/api/v1/notice-batches/:id/retry', {
    schema: { tags, summary: 'Send the failed notices again (failures only; an unknown outcome is left for a person to check)', params: IdParams, response: { 200: NoticeBatchView.extend({ retried: z.number(), leftUnknown: z.number() }), ...authErrors } },
  }, async (req) => core.notices.retryFailed(req.can('conversation:reply'), req.params.id));
}
