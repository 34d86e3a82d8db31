import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ANALYTICS_DIMENSIONS, EarshotError, type AnalyticsDimension } from '@earshot/domain';
import { readSourceHeader, type AnalyticsFilter, type ReadSource } from '@earshot/core';
import type { FastifyReply } from 'fastify';
import { authErrors, type RouteDeps } from './shared';

// Analytics (ADR 0022): read from the hourly rollups (a replica when DATABASE_REPLICA_URL is set).
// Range: `from`/`to` as brand-local days (YYYY-MM-DD, `to` inclusive) or ISO instants; 30 days by default.

const key = z.string().min(1).max(100);
const idOrNone = z.union([z.uuid(), z.literal('none')]);
const RangeFilters = {
  from: z.string().max(40).optional().describe('YYYY-MM-DD (brand time zone) or ISO 8601 instant'),
  to: z.string().max(40).optional().describe('YYYY-MM-DD (inclusive, brand time zone) or ISO 8601 instant'),
  channelId: z.uuid().optional(),
  channelKind: z.string().max(32).optional(),
  teamId: idOrNone.optional(),
  assigneeId: idOrNone.optional(),
  topic: key.optional(),
  sentiment: z.enum(['negative', 'neutral', 'positive', 'none']).optional(),
  tag: key.optional(),
  visibility: z.enum(['public', 'private']).optional(),
};
const FilterQuery = z.strictObject(RangeFilters);
type FilterQuery = z.infer<typeof FilterQuery>;

const FILTER_DIMS: [keyof FilterQuery, AnalyticsDimension][] = [
  ['channelId', 'channel'], ['channelKind', 'channel_kind'], ['teamId', 'team'], ['assigneeId', 'agent'], ['topic', 'topic'],
  ['sentiment', 'sentiment'], ['tag', 'tag'], ['visibility', 'visibility'],
];

function filtersOf(q: FilterQuery): AnalyticsFilter[] {
  return FILTER_DIMS.flatMap(([param, dim]) => (q[param] === undefined ? [] : [{ dim, key: String(q[param]) }]));
}

/** Dashboards read one rollup dimension at a time: one filter. */
function oneFilter(q: FilterQuery): AnalyticsFilter | undefined {
  const f = filtersOf(q);
  if (f.length > 1) throw new EarshotError('EARSHOT_VALIDATION', 'analytics take one filter at a time (the export takes several)', { field: 'query', details: { filters: f.map((x) => x.dim) } });
  return f[0];
}

const Duration = z.object({ n: z.number(), avg: z.number().nullable(), p50: z.number().nullable(), p90: z.number().nullable() }).describe('seconds; p50/p90 from bucketed counts, interpolated');
const Summary = z.object({
  conversations: z.number(), inbound: z.number(), replies: z.number(),
  sentiment: z.object({ negative: z.number(), neutral: z.number(), positive: z.number() }),
  public: z.number(), movedToPrivate: z.number(), movedToPrivateShare: z.number().nullable().describe('% of public threads that went private'),
  firstResponse: Duration, nextResponse: Duration, resolution: Duration.extend({ resolved: z.number() }),
  sla: z.object({ firstResponse: z.object({ n: z.number(), met: z.number(), percentMet: z.number().nullable() }), resolution: z.object({ n: z.number(), met: z.number(), percentMet: z.number().nullable() }) }),
});
const RangeView = z.object({ from: z.string(), to: z.string(), timeZone: z.string() });
const Keyed = Summary.extend({ key: z.string() });

/** Where the answer was read: `Earshot-Read-Source: replica; lag=0` or `primary; reason=replica_down`. */
const READ_SOURCE_HEADER = 'earshot-read-source';
const src = (reply: FastifyReply) => (s: ReadSource) => { void reply.header(READ_SOURCE_HEADER, readSourceHeader(s)); };

export async function analyticsRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['analytics'];
  const a = core.analytics;

  r.get('/api/v1/analytics/overview', { schema: { tags, summary: 'Totals over a range: volume, sentiment, response and resolution p50/p90, SLA, public→private', querystring: FilterQuery, response: { 200: z.object({ range: RangeView, totals: Summary }), ...authErrors } } },
    async (req, reply) => a.overview(req.can('analytics:read'), { ...req.query, filter: oneFilter(req.query) }, src(reply)));

  r.get('/api/v1/analytics/timeseries', { schema: { tags, summary: 'The same metrics per hour, day, week or month of the brand\'s time zone', querystring: FilterQuery.extend({ interval: z.enum(['hour', 'day', 'week', 'month']).default('day') }), response: { 200: z.object({ range: RangeView, interval: z.string(), points: z.array(Summary.extend({ bucket: z.string() })) }), ...authErrors } } },
    async (req, reply) => a.timeseries(req.can('analytics:read'), { ...req.query, filter: oneFilter(req.query) }, req.query.interval, src(reply)));

  r.get('/api/v1/analytics/breakdown', { schema: { tags, summary: 'The metrics per channel, channel kind, team, agent (workload, handled = resolved), topic, sentiment, visibility or tag', querystring: z.strictObject({ from: RangeFilters.from, to: RangeFilters.to, by: z.enum(ANALYTICS_DIMENSIONS).exclude(['all']) }), response: { 200: z.object({ range: RangeView, by: z.string(), rows: z.array(Keyed) }), ...authErrors } } },
    async (req, reply) => a.breakdown(req.can('analytics:read'), req.query, req.query.by, src(reply)));

  r.get('/api/v1/analytics/fairness', { schema: { tags, summary: 'Channel fairness: response times by channel kind, social vs direct (email, phone, chat), public vs private, side by side', querystring: z.strictObject({ from: RangeFilters.from, to: RangeFilters.to }), response: { 200: z.object({ range: RangeView, byChannelKind: z.array(Keyed), byGroup: z.array(Keyed), byVisibility: z.array(Keyed) }), ...authErrors } } },
    async (req, reply) => a.fairness(req.can('analytics:read'), req.query, src(reply)));

  r.get('/api/v1/analytics/topics', { schema: { tags, summary: 'Top topics and their change against the previous range of the same length', querystring: z.strictObject({ from: RangeFilters.from, to: RangeFilters.to }), response: { 200: z.object({ range: RangeView, rows: z.array(z.object({ topic: z.string(), conversations: z.number(), previous: z.number(), change: z.number().nullable(), negative: z.number() })) }), ...authErrors } } },
    async (req, reply) => a.topics(req.can('analytics:read'), req.query, src(reply)));

  r.get('/api/v1/analytics/negative-words', { schema: { tags, summary: 'Words of negative customer messages: how many conversations used each', querystring: z.strictObject({ from: RangeFilters.from, to: RangeFilters.to, limit: z.coerce.number().int().min(1).max(200).default(30) }), response: { 200: z.object({ range: RangeView, rows: z.array(z.object({ term: z.string(), conversations: z.number() })) }), ...authErrors } } },
    async (req, reply) => a.negativeTerms(req.can('analytics:read'), req.query, req.query.limit, src(reply)));

  r.get('/api/v1/analytics/backlog', { schema: { tags, summary: 'Now: unresolved conversations by status, how many wait for us and for how long (seconds)', querystring: z.strictObject({ channelId: RangeFilters.channelId, teamId: RangeFilters.teamId, assigneeId: RangeFilters.assigneeId, visibility: RangeFilters.visibility }), response: { 200: z.object({ at: z.string(), rows: z.array(z.object({ status: z.string(), n: z.number(), waiting: z.number(), oldestWaitingSince: z.string().nullable(), waitP50: z.number().nullable(), waitP90: z.number().nullable() })) }), ...authErrors } } },
    async (req, reply) => a.backlog(req.can('analytics:read'), { filter: oneFilter(req.query) }, src(reply)));

  r.get('/api/v1/analytics/export', { schema: { tags, summary: 'Conversations opened in the range, or their messages, as CSV or JSON lines: streamed, every filter, no row cap', querystring: FilterQuery.extend({ kind: z.enum(['conversations', 'messages']).default('conversations'), format: z.enum(['csv', 'jsonl']).default('csv') }) } },
    async (req, reply) => {
      const actor = req.can('analytics:read');
      req.can('conversation:read');
      const { kind, format } = req.query;
      const lines = await a.export(actor, { ...req.query, filters: filtersOf(req.query), kind, format }, src(reply));
      reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson').header('content-disposition', `attachment; filename="earshot-${kind}.${format}"`);
      const { Readable } = await import('node:stream');
      return reply.send(Readable.from(lines));
    });
}
