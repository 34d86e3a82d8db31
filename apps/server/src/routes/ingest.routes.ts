import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EarshotError } from '@earshot/domain';
import type { InboundRequest } from '@earshot/core';
import { ErrorResponse, IdParams, type RouteDeps } from './shared';

export async function ingestRoutes(app: FastifyInstance, { core, metrics }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const toInbound = (req: { method: string; headers: InboundRequest['headers']; query: unknown; rawBody?: Buffer }): InboundRequest => ({
    method: req.method, headers: req.headers, query: (req.query ?? {}) as Record<string, string | undefined>, rawBody: req.rawBody ?? Buffer.alloc(0),
  });

  // Provider webhooks authenticate by signature, not by session: the channel's secret signs the raw body.
  r.post('/api/v1/channels/:id/events', {
    config: { public: true },
    schema: {
      tags: ['ingest'], summary: 'Receive provider events (signed). 200 only after the raw events are committed; duplicates are stored once; 503 EARSHOT_DATABASE_UNAVAILABLE (retry) while the database is down.',
      params: IdParams, security: [],
      response: { 200: z.object({ accepted: z.number(), duplicates: z.number() }), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 503: ErrorResponse },
    },
  }, async (req) => {
    // Through the channel service: a paused channel's webhooks are still stored (docs/channels.md).
    const res = await core.channels.receiveWebhook(req.params.id, toInbound(req), req.body, core.ingest);
    metrics.inc('events_accepted_total', res.accepted);
    metrics.inc('events_duplicate_total', res.duplicates);
    return { accepted: res.accepted, duplicates: res.duplicates };
  });

  // Challenges (X CRC, Meta hub.challenge) come as GETs on the same URL.
  r.get('/api/v1/channels/:id/events', {
    config: { public: true },
    schema: { tags: ['ingest'], summary: 'Provider webhook challenge (CRC / hub.challenge)', params: IdParams, querystring: z.record(z.string(), z.string()), security: [] },
  }, async (req, reply) => {
    const res = await core.ingest.challenge(req.params.id, toInbound(req));
    // A refused challenge is an error like any other: JSON with an EARSHOT_* code, not the driver's text.
    if (res.status >= 400) throw new EarshotError(res.status === 403 ? 'EARSHOT_FORBIDDEN' : 'EARSHOT_VALIDATION', res.body || 'challenge refused', { field: 'query' });
    return reply.status(res.status).type(res.contentType).send(res.body);
  });
}
