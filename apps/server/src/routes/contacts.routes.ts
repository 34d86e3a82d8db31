import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ContactMatchPage, ContactView, CrmHookView } from '@earshot/domain';
import { authErrors, IdParams, type RouteDeps } from './shared';

export async function contactRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['contacts'];
  r.get('/api/v1/contacts', {
    schema: {
      tags, summary: 'Find customers by name, handle or email (merged-away ones left out), by name, cursor-paginated',
      querystring: z.strictObject({ q: z.string().trim().min(1).max(200), excludeId: z.uuid().optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(50).optional() }),
      response: { 200: ContactMatchPage, ...authErrors },
    },
  }, async (req) => core.contacts.search(req.can('contact:read'), req.query));
  r.get('/api/v1/contacts/:id', { schema: { tags, summary: 'A customer: identities on every channel and past conversations', params: IdParams, response: { 200: ContactView, ...authErrors } } },
    async (req) => core.contacts.get(req.can('contact:read'), req.params.id));
  r.patch('/api/v1/contacts/:id', {
    schema: {
      tags, summary: 'Update name, email, VIP, tags, notes', params: IdParams,
      body: z.strictObject({ name: z.string().max(200).optional(), email: z.email().nullable().optional(), vip: z.boolean().optional(), tags: z.array(z.string().min(1).max(64)).max(50).optional(), notes: z.string().max(20_000).optional() }),
      response: { 200: ContactView, ...authErrors },
    },
  }, async (req) => core.contacts.update(req.can('contact:update'), req.params.id, req.body));
  r.post('/api/v1/contacts/:id/merge', { schema: { tags, summary: 'Merge another contact into this one', params: IdParams, body: z.strictObject({ sourceId: z.uuid() }), response: { 200: ContactView, ...authErrors } } },
    async (req) => core.contacts.merge(req.can('contact:merge'), req.params.id, req.body.sourceId));
  r.post('/api/v1/contacts/:id/unmerge', {
    schema: { tags, summary: 'Move one identity (and the conversations only it wrote in) out to a new contact', params: IdParams, body: z.strictObject({ identityId: z.uuid() }), response: { 200: z.object({ contact: ContactView, split: ContactView }), ...authErrors } },
  }, async (req) => core.contacts.unmerge(req.can('contact:merge'), req.params.id, req.body.identityId));

  // The brand's CRM look-up hook (admin only): the secret goes in, never out.
  const crmTags = ['crm'];
  r.get('/api/v1/crm-hook', { schema: { tags: crmTags, summary: 'The brand\'s CRM look-up hook (URL, and whether a secret is set)', response: { 200: CrmHookView, ...authErrors } } },
    async (req) => core.crmHook.get(req.can('channel:manage')));
  r.put('/api/v1/crm-hook', {
    schema: {
      tags: crmTags, summary: 'Set the CRM look-up URL and its shared signing secret',
      body: z.strictObject({ url: z.string().trim().min(1).max(2000), secret: z.string().min(16).max(200) }), response: { 200: CrmHookView, ...authErrors },
    },
  }, async (req) => core.crmHook.set(req.can('channel:manage'), req.body));
  r.post('/api/v1/crm-hook/test', {
    schema: {
      tags: crmTags, summary: 'Test now: one signed look-up of a sample customer against the saved hook; nothing is stored',
      body: z.strictObject({ email: z.email().max(320).optional(), handle: z.string().trim().min(1).max(100).optional() }),
      response: { 200: z.object({ ok: z.boolean(), attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable(), error: z.string().nullable(), ms: z.number() }), ...authErrors },
    },
  }, async (req) => core.crmHook.test(req.can('channel:manage'), req.body));
  r.delete('/api/v1/crm-hook', { schema: { tags: crmTags, summary: 'Remove the CRM look-up hook (fetched fields stay on contacts)', response: { 200: CrmHookView, ...authErrors } } },
    async (req) => core.crmHook.remove(req.can('channel:manage')));
}
