import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IncidentLinkView, IncidentPage, IncidentStatus, IncidentView } from '@earshot/domain';
import { authErrors, IdParams, type RouteDeps } from './shared';

const Title = z.string().trim().min(1).max(200);
const Links = z.object({ items: z.array(IncidentLinkView) });

/** Incidents (an outage many customers write about) and the conversations linked to them. */
export async function incidentRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['incidents'];
  r.get('/api/v1/incidents', {
    schema: {
      tags, summary: 'Incidents, newest first, with how many conversations each has (filter the inbox with ?incidentId=)',
      querystring: z.strictObject({ status: IncidentStatus.optional(), q: z.string().max(200).optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(100).optional() }),
      response: { 200: IncidentPage, ...authErrors },
    },
  }, async (req) => core.incidents.list(req.can('conversation:read'), req.query));
  r.post('/api/v1/incidents', { schema: { tags, summary: 'Declare an incident', body: z.strictObject({ title: Title }), response: { 200: IncidentView, ...authErrors } } },
    async (req) => core.incidents.create(req.can('conversation:update'), req.body));
  r.get('/api/v1/incidents/:id', { schema: { tags, summary: 'An incident', params: IdParams, response: { 200: IncidentView, ...authErrors } } },
    async (req) => core.incidents.get(req.can('conversation:read'), req.params.id));
  r.patch('/api/v1/incidents/:id', {
    schema: { tags, summary: 'Rename, resolve or reopen an incident', params: IdParams, body: z.strictObject({ title: Title.optional(), status: IncidentStatus.optional() }), response: { 200: IncidentView, ...authErrors } },
  }, async (req) => core.incidents.update(req.can('conversation:update'), req.params.id, req.body));

  r.post('/api/v1/conversations/:id/incidents', {
    schema: {
      tags, summary: 'Link a conversation to an open incident, or declare a new one by title and link it', params: IdParams,
      body: z.strictObject({ incidentId: z.uuid().optional(), title: Title.optional() }).refine((b) => (b.incidentId === undefined) !== (b.title === undefined), { message: 'give either incidentId or title' }),
      response: { 200: Links, ...authErrors },
    },
  }, async (req) => ({ items: await core.incidents.link(req.can('conversation:update'), req.params.id, req.body) }));
  r.delete('/api/v1/conversations/:id/incidents/:incidentId', {
    schema: { tags, summary: 'Unlink a conversation from an incident', params: z.strictObject({ id: z.uuid(), incidentId: z.uuid() }), response: { 200: Links, ...authErrors } },
  }, async (req) => ({ items: await core.incidents.unlink(req.can('conversation:update'), req.params.id, req.params.incidentId) }));
}
