import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EarshotError } from '@earshot/domain';
import { ErrorResponse, IdParams, type RouteDeps } from './shared';
import { streamVisitor } from './webchat.stream';

const WIDGET = readFileSync(new URL('../../public/widget.js', import.meta.url), 'utf8');
const VISITOR_HEADER = 'x-earshot-visitor';

const publicErrors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse } as const;
const Accepted = z.object({ accepted: z.boolean() });
const Text = z.string().trim().min(1).max(5_000);
const Email = z.email().max(320);
const Name = z.string().trim().min(1).max(200);

/** Public endpoints are rate-limited per address and channel: a form or widget must not become a flood gate. */
function limit(max: number) {
  return {
    public: true,
    rateLimit: {
      max, timeWindow: 60_000,
      keyGenerator: (req: FastifyRequest) => `site:${(req.params as { id?: string } | undefined)?.id ?? ''}:${req.ip}`,
      errorResponseBuilder: (_req: FastifyRequest, ctx: { ttl: number }) => new EarshotError('EARSHOT_RATE_LIMITED', `too many requests; try again in ${Math.ceil(ctx.ttl / 1000)} s`, { details: { retryAfterS: Math.ceil(ctx.ttl / 1000) } }),
    },
  };
}

// The widget runs on the brand's own site: these endpoints take no cookies (a visitor token header instead), so any origin may call them.
function cors(reply: FastifyReply): void {
  void reply.header('access-control-allow-origin', '*');
  void reply.header('access-control-allow-headers', `content-type, ${VISITOR_HEADER}, last-event-id`);
  void reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
  void reply.header('access-control-max-age', '600');
}

/** Web chat widget, web form and call-back requests: the public face of a brand's own-site channels. */
export async function webchatRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['site channels'];
  const visitorToken = (req: FastifyRequest) => {
    const v = req.headers[VISITOR_HEADER];
    return typeof v === 'string' ? v : undefined;
  };

  r.get('/widget.js', { config: limit(600), schema: { hide: true } }, async (_req, reply) => {
    cors(reply);
    return reply.type('application/javascript; charset=utf-8').header('cross-origin-resource-policy', 'cross-origin').header('cache-control', 'public, max-age=300').send(WIDGET);
  });

  r.options('/api/v1/site/:id/*', { config: limit(600), schema: { hide: true } }, async (_req, reply) => {
    cors(reply);
    return reply.status(204).send();
  });

  r.post('/api/v1/site/:id/chat/sessions', {
    config: limit(10),
    schema: { tags, summary: 'Web chat: a new anonymous visitor gets a token for this channel', params: IdParams, security: [], response: { 200: z.object({ visitorId: z.string(), token: z.string() }), ...publicErrors } },
  }, async (req, reply) => {
    cors(reply);
    return core.webchat.startSession(req.params.id);
  });

  r.post('/api/v1/site/:id/chat/messages', {
    config: limit(60),
    schema: {
      tags, summary: 'Web chat: the visitor sends a message (header x-earshot-visitor); the same clientMessageId twice is stored once', params: IdParams, security: [],
      body: z.strictObject({ clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), text: Text, name: Name.optional(), email: Email.optional() }),
      response: { 200: Accepted, ...publicErrors },
    },
  }, async (req, reply) => {
    cors(reply);
    return core.webchat.postMessage(req.params.id, visitorToken(req), req.body);
  });

  r.get('/api/v1/site/:id/chat/messages', {
    config: limit(120),
    schema: {
      tags, summary: 'Web chat: the visitor\'s conversation (customer-facing messages only), newer than `after`', params: IdParams, security: [],
      querystring: z.strictObject({ after: z.iso.datetime({ offset: true }).optional() }),
      response: { 200: z.object({ items: z.array(z.object({ id: z.string(), from: z.enum(['visitor', 'agent']), agentName: z.string().nullable(), text: z.string(), sentAt: z.string() })) }), ...publicErrors },
    },
  }, async (req, reply) => {
    cors(reply);
    return { items: await core.webchat.listMessages(req.params.id, visitorToken(req), req.query.after ? new Date(req.query.after) : null) };
  });

  // Push instead of polling: the visitor's messages as they become visible, as server-sent events.
  r.get('/api/v1/site/:id/chat/stream', {
    config: limit(30),
    schema: {
      tags, security: [], params: IdParams, querystring: z.strictObject({ cursor: z.string().max(4_000).optional() }),
      summary: 'Web chat: the visitor\'s conversation pushed as it changes (text/event-stream, header x-earshot-visitor). Each `messages` event\'s id is a cursor: reconnect with Last-Event-ID (or ?cursor=) and nothing is missed',
      response: publicErrors,
    },
  }, async (req, reply) => {
    const stream = await core.webchat.openStream(req.params.id, visitorToken(req));
    const lastEventId = req.headers['last-event-id'];
    streamVisitor(reply, core, stream, (typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : req.query.cursor) ?? null, req.raw);
  });

  r.post('/api/v1/site/:id/chat/identify', {
    config: limit(10),
    schema: { tags, summary: 'Web chat: the visitor leaves an email (and name) so the desk knows who they are', params: IdParams, security: [], body: z.strictObject({ email: Email, name: Name.optional() }), response: { 200: z.object({ identified: z.boolean() }), ...publicErrors } },
  }, async (req, reply) => {
    cors(reply);
    return core.webchat.identify(req.params.id, visitorToken(req), req.body);
  });

  r.post('/api/v1/site/:id/forms', {
    config: limit(10),
    schema: {
      tags, summary: 'Web form: a submission becomes a conversation', params: IdParams, security: [],
      body: z.strictObject({ name: Name, email: Email, subject: z.string().trim().min(1).max(300), message: Text }),
      response: { 200: Accepted, ...publicErrors },
    },
  }, async (req, reply) => {
    cors(reply);
    return core.webchat.submitForm(req.params.id, req.body);
  });

  r.post('/api/v1/site/:id/callbacks', {
    config: limit(5),
    schema: {
      tags, summary: 'Phone: a customer asks to be called back; a call task appears for an agent', params: IdParams, security: [],
      body: z.strictObject({ name: Name, phone: z.string().trim().regex(/^\+?[0-9 ()./-]{6,24}$/, 'must be a phone number'), email: Email.optional(), reason: Text, preferredTime: z.string().trim().max(100).optional() }),
      response: { 200: Accepted, ...publicErrors },
    },
  }, async (req, reply) => {
    cors(reply);
    return core.phone.requestCallback(req.params.id, req.body);
  });
}
