import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authErrors, IdParams, type RouteDeps } from './shared';

const ChannelLimitsView = z.object({
  channelId: z.string(),
  kind: z.string(),
  provider: z.object({
    limit: z.number().nullable(), remaining: z.number().nullable(), resetAt: z.string().nullable(),
    maxTextLength: z.number().nullable(), unit: z.enum(['requests', 'percent']).optional(),
  }).nullable(),
  budget: z.object({ limit: z.number().nullable(), usedLast24h: z.number(), remaining: z.number().nullable(), resetAt: z.string().nullable() }),
  polling: z.object({ lastPolledAt: z.string().nullable(), failures: z.number(), lastError: z.string().nullable(), nextPollAt: z.string().nullable() }).nullable(),
});

export async function channelRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/channels/:id/limits', {
    schema: {
      tags: ['channels'],
      summary: 'Quota meter: the provider allowance as last reported, the brand\'s daily send budget, and polling health',
      params: IdParams,
      response: { 200: ChannelLimitsView, ...authErrors },
    },
  }, async (req) => core.channelLimits.get(req.can('channel:read').brandId, req.params.id));

  // Phone: an agent logs a call on the conversation; followUpAt schedules the follow-up call task.
  r.post('/api/v1/conversations/:id/calls', {
    schema: {
      tags: ['conversations'], summary: 'Log a phone call on a conversation, optionally with a follow-up call task', params: IdParams,
      body: z.strictObject({ direction: z.enum(['inbound', 'outbound']), durationSeconds: z.number().int().min(0).max(86_400), summary: z.string().trim().min(1).max(5_000), followUpAt: z.iso.datetime({ offset: true }).optional() }),
      response: { 200: z.object({ messageId: z.string(), followUpAt: z.string().nullable() }), ...authErrors },
    },
  }, async (req) => core.phone.logCall(req.can('conversation:reply'), req.params.id, { ...req.body, followUpAt: req.body.followUpAt ? new Date(req.body.followUpAt) : undefined }));
}
