import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './shared';

export async function systemRoutes(app: FastifyInstance, { core, metrics }: RouteDeps): Promise<void> {
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    if (await core.healthy()) return { ok: true, db: core.handle.kind };
    return reply.status(503).send({ ok: false, db: core.handle.kind });
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    reply.type('text/plain; version=0.0.4');
    return metrics.render();
  });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
}
