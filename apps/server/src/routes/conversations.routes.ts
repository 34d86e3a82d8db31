import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConversationDetail, ConversationPage, ConversationStatus, ConversationView, MessageView, Priority } from '@earshot/domain';
import { authErrors, IdParams, type RouteDeps } from './shared';

const csv = <T extends z.ZodType<unknown, string>>(item: T) => z.string().max(200).transform((s) => s.split(',').filter(Boolean)).pipe(z.array(item));

const ListQuery = z.strictObject({
  view: z.enum(['all', 'mine', 'unassigned', 'my_teams', 'needs_response', 'mentions_needing_response']).optional(),
  status: csv(ConversationStatus).optional(),
  priority: csv(Priority).optional(),
  channelKind: z.string().max(32).optional(),
  channelId: z.uuid().optional(),
  sentiment: z.enum(['negative', 'neutral', 'positive']).optional(),
  topic: z.string().max(100).optional(),
  language: z.string().max(16).optional(),
  tag: z.string().max(100).optional(),
  assigneeId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  contactId: z.uuid().optional(),
  incidentId: z.uuid().optional(),
  q: z.string().max(500).optional(),
  sort: z.enum(['recent', 'waiting', 'priority', 'sla_due']).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export async function conversationRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['conversations'];

  r.get('/api/v1/conversations', { schema: { tags, summary: 'The inbox: filter, search, sort, cursor-paginate', querystring: ListQuery, response: { 200: ConversationPage, ...authErrors } } },
    async (req) => core.conversations.list(req.can('conversation:read'), req.query));

  r.get('/api/v1/conversations/:id', { schema: { tags, summary: 'A conversation with its messages', params: IdParams, response: { 200: ConversationDetail, ...authErrors } } },
    async (req) => core.conversations.get(req.can('conversation:read'), req.params.id));

  r.post('/api/v1/conversations/:id/assign', { schema: { tags, summary: 'Assign to an agent (null unassigns)', params: IdParams, body: z.strictObject({ assigneeId: z.uuid().nullable() }), response: { 200: ConversationView, ...authErrors } } },
    async (req) => core.conversations.assign(req.can('conversation:assign'), req.params.id, req.body.assigneeId));

  r.post('/api/v1/conversations/:id/status', { schema: { tags, summary: 'Open, pending, snooze or resolve', params: IdParams, body: z.strictObject({ status: ConversationStatus, snoozedUntil: z.iso.datetime({ offset: true }).nullish() }), response: { 200: ConversationView, ...authErrors } } },
    async (req) => core.conversations.setStatus(req.can('conversation:update'), req.params.id, req.body.status, req.body.snoozedUntil));

  r.post('/api/v1/conversations/:id/priority', { schema: { tags, summary: 'Set priority', params: IdParams, body: z.strictObject({ priority: Priority }), response: { 200: ConversationView, ...authErrors } } },
    async (req) => core.conversations.setPriority(req.can('conversation:update'), req.params.id, req.body.priority));

  r.post('/api/v1/conversations/:id/tags', { schema: { tags, summary: 'Replace tags', params: IdParams, body: z.strictObject({ tags: z.array(z.string().min(1).max(64)).max(50) }), response: { 200: ConversationView, ...authErrors } } },
    async (req) => core.conversations.setTags(req.can('conversation:update'), req.params.id, req.body.tags));

  r.post('/api/v1/conversations/:id/notes', {
    schema: {
      tags, summary: 'Add an internal note; `mentions` (user ids of this brand) notify those colleagues', params: IdParams,
      body: z.strictObject({ text: z.string().trim().min(1).max(10_000), mentions: z.array(z.uuid('must be a UUID')).max(50).optional() }), response: { 200: MessageView, ...authErrors },
    },
  }, async (req) => core.conversations.addNote(req.can('conversation:note'), req.params.id, req.body.text, req.body.mentions));

  r.post('/api/v1/conversations/:id/replies', {
    schema: {
      tags, summary: 'Reply publicly or privately; queued for delivery (agency agents\' public replies wait for approval)', params: IdParams,
      body: z.strictObject({ text: z.string().trim().min(1).max(10_000), visibility: z.enum(['public', 'private']), idempotencyKey: z.string().min(8).max(128).optional(), allowPersonalData: z.boolean().optional().describe('Post a public reply the personal-data guard flags (422 EARSHOT_PERSONAL_DATA without it); audited') }),
      response: { 200: MessageView, ...authErrors },
    },
  }, async (req) => core.conversations.reply(req.can('conversation:reply'), req.params.id, req.body));

  r.post('/api/v1/conversations/:id/messages/:messageId/approve', {
    schema: { tags, summary: 'Approve an agency agent\'s public reply', params: z.strictObject({ id: z.uuid(), messageId: z.uuid() }), response: { 200: MessageView, ...authErrors } },
  }, async (req) => core.conversations.approve(req.can('conversation:approve'), req.params.id, req.params.messageId));
}
