import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TriageModelSummary } from '@earshot/core';
import { MessageView } from '@earshot/domain';
import { authErrors, IdParams, type RouteDeps } from './shared';

const Metrics = z.record(z.string(), z.number().nullable());

const TriageModelView = z.object({
  id: z.string(),
  version: z.string(),
  state: z.enum(['candidate', 'promoted', 'retired']),
  /** Scores on the fixed held-back slice. */
  metrics: Metrics,
  /** The model it was compared with when trained (the brand's model then, or a no-corrections baseline). */
  baselineMetrics: Metrics.nullable(),
  corrections: z.number(),
  promotedAt: z.string().nullable(),
  createdAt: z.string(),
});
const ModelList = z.object({ items: z.array(TriageModelView) });

const CorrectionBody = z.discriminatedUnion('label', [
  z.strictObject({ label: z.literal('sentiment'), value: z.enum(['negative', 'neutral', 'positive']) }),
  z.strictObject({ label: z.literal('topic'), value: z.string().trim().min(1).max(100).nullable() }),
  z.strictObject({ label: z.literal('intent'), value: z.enum(['complaint', 'question', 'praise', 'feedback', 'spam', 'other']) }),
  z.strictObject({ label: z.literal('needsResponse'), value: z.boolean() }),
]);

function view(m: TriageModelSummary): z.infer<typeof TriageModelView> {
  return {
    id: m.id, version: m.version, state: m.state, metrics: m.metrics, baselineMetrics: m.baseline_metrics, corrections: m.corrections,
    promotedAt: m.promoted_at ? m.promoted_at.toISOString() : null, createdAt: m.created_at.toISOString(),
  };
}

export async function triageRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['triage'];

  r.post('/api/v1/conversations/:id/messages/:messageId/corrections', {
    schema: {
      tags, summary: 'Correct one triage label of an inbound message (stored, audited, and learned from by the brand\'s next retrain)',
      params: z.strictObject({ id: z.uuid(), messageId: z.uuid() }), body: CorrectionBody, response: { 200: MessageView, ...authErrors },
    },
  }, async (req) => core.triage.correct(req.can('triage:correct'), req.params.id, req.params.messageId, req.body));

  r.get('/api/v1/triage/models', { schema: { tags, summary: 'The brand\'s retrained triage models with their held-back scores', response: { 200: ModelList, ...authErrors } } },
    async (req) => ({ items: (await core.triage.models(req.can('triage:correct'))).map(view) }));

  r.post('/api/v1/triage/models/:id/promote', { schema: { tags, summary: 'Make a model the brand\'s triage model (the current one is retired, kept for rollback)', params: IdParams, response: { 200: ModelList, ...authErrors } } },
    async (req) => ({ items: (await core.triage.promote(req.can('triage:manage'), req.params.id)).map(view) }));

  r.post('/api/v1/triage/models/rollback', { schema: { tags, summary: 'Go back to the previously promoted model (or the shipped default)', response: { 200: ModelList, ...authErrors } } },
    async (req) => ({ items: (await core.triage.rollback(req.can('triage:manage'))).map(view) }));
}
