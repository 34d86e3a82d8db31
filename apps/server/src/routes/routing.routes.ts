import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BusinessHours, ConversationView, RoutingRules, SlaPolicy, SlaMetric } from '@earshot/domain';
import { authErrors, IdParams, type RouteDeps } from './shared';

const TeamQuery = z.strictObject({ teamId: z.uuid().optional() });
const RangeQuery = { from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() };
const date = (s: string | undefined) => (s ? new Date(s) : undefined);

const RuleSetView = z.object({ version: z.number(), isDefault: z.boolean(), rules: z.array(z.unknown()), updatedAt: z.string().nullable() });
const PolicyView = z.object({ teamId: z.string().nullable(), version: z.number(), isDefault: z.boolean(), policy: z.unknown() });
const HoursView = z.object({ teamId: z.string().nullable(), isDefault: z.boolean(), hours: z.unknown() });
const Summary = z.object({ n: z.number(), p50: z.number().nullable(), p90: z.number().nullable(), conversationIds: z.array(z.string()) });

export async function routingRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['routing and SLA'];

  r.get('/api/v1/routing/rules', { schema: { tags, summary: 'The brand\'s routing rules in force (the defaults until it saves its own)', response: { 200: RuleSetView, ...authErrors } } },
    async (req) => core.routing.getRules(req.can('team:read')));
  r.put('/api/v1/routing/rules', { schema: { tags, summary: 'Save a new version of the routing rules', body: z.strictObject({ rules: RoutingRules }), response: { 200: RuleSetView, ...authErrors } } },
    async (req) => core.routing.putRules(req.can('routing:manage'), req.body.rules));

  r.get('/api/v1/sla/policy', { schema: { tags, summary: 'SLA policy of the brand, or of a team', querystring: TeamQuery, response: { 200: PolicyView, ...authErrors } } },
    async (req) => core.sla.getPolicy(req.can('team:read'), req.query.teamId ?? null));
  r.put('/api/v1/sla/policy', { schema: { tags, summary: 'Set the SLA policy of the brand, or of a team (run `earshot sla recompute` to re-time open clocks)', querystring: TeamQuery, body: z.strictObject({ policy: SlaPolicy }), response: { 200: PolicyView, ...authErrors } } },
    async (req) => core.sla.putPolicy(req.can('sla:manage'), req.query.teamId ?? null, req.body.policy));

  const Due = z.object({ due: z.string(), warning: z.string(), minutes: z.number() }).nullable();
  r.post('/api/v1/sla/preview', {
    schema: {
      tags, summary: 'When a message received now (or at `at`) would be due per priority, under a draft policy and/or hours (saved ones when omitted); nothing is saved',
      body: z.strictObject({ policy: SlaPolicy.optional(), hours: BusinessHours.optional(), at: z.iso.datetime({ offset: true }).optional() }),
      response: { 200: z.object({ at: z.string(), openNow: z.boolean(), rows: z.array(z.object({ priority: z.string(), hours: z.enum(['business', 'always']), targets: z.object({ first_response: Due, next_response: Due, resolution: Due }) })) }), ...authErrors },
    },
  }, async (req) => core.sla.preview(req.can('sla:manage'), { policy: req.body.policy, hours: req.body.hours, at: req.body.at ? new Date(req.body.at) : undefined }));

  r.get('/api/v1/business-hours', { schema: { tags, summary: 'Business hours of the brand, or of a team', querystring: TeamQuery, response: { 200: HoursView, ...authErrors } } },
    async (req) => core.sla.getHours(req.can('team:read'), req.query.teamId ?? null));
  r.put('/api/v1/business-hours', { schema: { tags, summary: 'Set business hours (IANA time zone, weekly windows, holidays)', querystring: TeamQuery, body: z.strictObject({ hours: BusinessHours }), response: { 200: HoursView, ...authErrors } } },
    async (req) => core.sla.putHours(req.can('sla:manage'), req.query.teamId ?? null, req.body.hours));

  r.get('/api/v1/reports/sla-compliance', {
    schema: {
      tags, summary: '% SLA met by brand, team or agent, with the conversations behind each number',
      querystring: z.strictObject({ groupBy: z.enum(['brand', 'team', 'agent']).default('brand'), metric: z.union([SlaMetric, z.literal('all')]).optional(), ...RangeQuery }),
      response: {
        200: z.object({ groupBy: z.string(), rows: z.array(z.object({ key: z.string().nullable(), metric: z.string(), met: z.number(), breached: z.number(), percentMet: z.number().nullable(), metIds: z.array(z.string()), breachedIds: z.array(z.string()), inProgressIds: z.array(z.string()) })) }),
        ...authErrors,
      },
    },
  }, async (req) => ({ groupBy: req.query.groupBy, rows: await core.sla.compliance(req.can('analytics:read'), req.query.groupBy, { metric: req.query.metric, from: date(req.query.from), to: date(req.query.to) }) }));

  r.get('/api/v1/reports/response-times-by-channel', {
    schema: {
      tags, summary: 'First-response and resolution p50/p90 (minutes) per channel: are all channels served alike?',
      querystring: z.strictObject(RangeQuery),
      response: { 200: z.object({ rows: z.array(z.object({ channelKind: z.string(), firstResponse: Summary, resolution: Summary })) }), ...authErrors },
    },
  }, async (req) => ({ rows: await core.sla.responseTimesByChannel(req.can('analytics:read'), { from: date(req.query.from), to: date(req.query.to) }) }));

  r.post('/api/v1/conversations/:id/transfer', {
    schema: { tags: ['conversations'], summary: 'Transfer to another team: history kept, a note says why, assignment runs again', params: IdParams, body: z.strictObject({ teamId: z.uuid(), note: z.string().trim().min(1).max(2000) }), response: { 200: ConversationView, ...authErrors } },
  }, async (req) => core.transfers.transfer(req.can('conversation:assign'), req.params.id, req.body));
}
