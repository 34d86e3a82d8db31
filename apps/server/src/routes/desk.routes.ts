import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authErrors, IdParams, Ok, type RouteDeps } from './shared';

const PresenceView = z.object({ items: z.array(z.object({ userId: z.string(), name: z.string(), state: z.enum(['viewing', 'typing']), at: z.string() })) });
const CannedView = z.object({ id: z.string(), title: z.string(), shortcut: z.string().nullable(), text: z.string(), createdAt: z.string(), updatedAt: z.string() });
const CannedBody = z.strictObject({
  title: z.string().trim().min(1).max(120),
  shortcut: z.string().trim().min(1).max(32).regex(/^[a-z0-9_-]+$/i, 'letters, digits, - and _').nullish(),
  text: z.string().trim().min(1).max(5_000),
});

/** What the desk needs beside the conversation API: collision presence, canned responses, repeated-reply warnings. */
export async function deskRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/conversations/:id/presence', {
    schema: { tags: ['conversations'], summary: 'Say you are viewing, typing in or leaving a conversation (collision detection; live as presence.updated)', params: IdParams, body: z.strictObject({ state: z.enum(['viewing', 'typing', 'left']) }), response: { 200: PresenceView, ...authErrors } },
  }, async (req) => ({ items: await core.presence.update(req.can('conversation:read'), req.params.id, req.body.state) }));
  r.get('/api/v1/conversations/:id/presence', { schema: { tags: ['conversations'], summary: 'Who else is viewing or typing in a conversation', params: IdParams, response: { 200: PresenceView, ...authErrors } } },
    async (req) => ({ items: await core.presence.list(req.can('conversation:read'), req.params.id) }));

  const tags = ['canned responses'];
  r.get('/api/v1/canned-responses', { schema: { tags, summary: 'Saved replies with {{contact.first_name}} / {{agent.name}} variables', response: { 200: z.object({ items: z.array(CannedView) }), ...authErrors } } },
    async (req) => ({ items: await core.canned.list(req.can('conversation:reply')) }));
  // Saved replies speak for the whole brand: the people who manage teams curate them.
  r.post('/api/v1/canned-responses', { schema: { tags, summary: 'Create a canned response', body: CannedBody, response: { 200: CannedView, ...authErrors } } },
    async (req) => core.canned.create(req.can('team:manage'), req.body));
  r.patch('/api/v1/canned-responses/:id', { schema: { tags, summary: 'Edit a canned response', params: IdParams, body: CannedBody.partial(), response: { 200: CannedView, ...authErrors } } },
    async (req) => core.canned.update(req.can('team:manage'), req.params.id, req.body));
  r.delete('/api/v1/canned-responses/:id', { schema: { tags, summary: 'Delete a canned response', params: IdParams, response: { 200: Ok, ...authErrors } } }, async (req) => {
    await core.canned.remove(req.can('team:manage'), req.params.id);
    return { ok: true as const };
  });

  r.get('/api/v1/replies/repeats', {
    schema: { tags: ['conversations'], summary: 'How often this exact public reply (case and spacing ignored) was sent in the last 30 days', querystring: z.strictObject({ text: z.string().max(10_000).default('') }), response: { 200: z.object({ count: z.number(), windowDays: z.number(), lastSentAt: z.string().nullable() }), ...authErrors } },
  }, async (req) => core.canned.repeats(req.can('conversation:reply'), req.query.text));
}
