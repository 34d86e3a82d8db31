import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditRow } from '@earshot/core';
import { authErrors, type RouteDeps } from './shared';

const AuditEvent = z.object({
  seq: z.string(), actorType: z.string(), actorId: z.string().nullable(), action: z.string(), subjectType: z.string(), subjectId: z.string().nullable(),
  before: z.unknown(), after: z.unknown(), createdAt: z.string(), hash: z.string(),
});

export async function auditRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];
  r.get('/api/v1/audit', {
    schema: { tags, summary: 'Audit events in chain order', querystring: z.strictObject({ afterSeq: z.coerce.number().int().min(0).optional(), subjectId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).optional() }), response: { 200: z.object({ items: z.array(AuditEvent) }), ...authErrors } },
  }, async (req) => ({ items: (await core.audit.page(req.can('audit:read').brandId, req.query)).map(auditView) }));

  r.get('/api/v1/audit/verify', { schema: { tags, summary: 'Recompute this brand\'s hash chain', response: { 200: z.object({ ok: z.boolean(), checked: z.number(), brokenAt: z.object({ seq: z.string(), id: z.string(), reason: z.string() }).optional() }), ...authErrors } } }, async (req) => {
    const res = await core.audit.verify(req.can('audit:read').brandId);
    return { ok: res.ok, checked: res.checked, ...(res.brokenAt ? { brokenAt: res.brokenAt } : {}) };
  });

  r.get('/api/v1/audit/export', { schema: { tags, summary: 'Export the audit trail as JSON lines' } }, async (req, reply) => {
    const brandId = req.can('audit:read').brandId;
    reply.type('application/x-ndjson').header('content-disposition', 'attachment; filename="earshot-audit.jsonl"');
    const { Readable } = await import('node:stream');
    return reply.send(Readable.from(core.audit.export(brandId)));
  });
}

function auditView(r: AuditRow) {
  return {
    seq: r.seq, actorType: r.actor_type, actorId: r.actor_id, action: r.action, subjectType: r.subject_type, subjectId: r.subject_id,
    before: r.before, after: r.after, createdAt: new Date(r.created_at).toISOString(), hash: r.hash,
  };
}
