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
}
