import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MentionPage } from '@earshot/domain';
import { authErrors, type RouteDeps } from './shared';

/** The signed-in agent's @mentions in internal notes. */
export async function mentionRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['mentions'];
  r.get('/api/v1/mentions', {
    schema: {
      tags, summary: 'Notes that @mention me, newest first, with my unread count',
      querystring: z.strictObject({ unread: z.enum(['true', 'false']).optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(100).optional() }),
      response: { 200: MentionPage, ...authErrors },
    },
  }, async (req) => core.mentions.list(req.can('conversation:read'), { unread: req.query.unread === 'true', cursor: req.query.cursor, limit: req.query.limit }));
  r.post('/api/v1/mentions/read', {
    schema: {
      tags, summary: 'Mark my mentions read: in the given notes, or all of them',
      body: z.strictObject({ messageIds: z.array(z.uuid('must be a UUID')).min(1).max(200).optional() }),
      response: { 200: z.object({ unread: z.number() }), ...authErrors },
    },
  }, async (req) => core.mentions.markRead(req.can('conversation:read'), req.body.messageIds));
}
