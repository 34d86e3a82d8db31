import type { FastifyInstance } from 'fastify';
import type { DeskEvent } from '@earshot/core';
import type { RouteDeps } from './shared';

/**
 * Server-sent events: the desk hears new messages, assignments and status changes of its own
 * brand as they commit. A heartbeat keeps proxies from closing the stream.
 */
export async function eventRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  app.get('/api/v1/events', { schema: { tags: ['events'], summary: 'Live desk events (text/event-stream)' } }, (req, reply) => {
    const brandId = req.can('conversation:read').brandId;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive',
      'x-content-type-options': 'nosniff', 'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n: connected\n\n`);
    // A committed worker batch publishes hundreds of events at once: they leave in one write per
    // turn of the event loop rather than one system call each.
    let pending: string[] = [];
    let flushing: NodeJS.Immediate | null = null;
    const flush = () => {
      flushing = null;
      const chunk = pending.join('');
      pending = [];
      if (chunk && !res.destroyed) res.write(chunk);
    };
    const send = (e: DeskEvent) => {
      if (e.brandId !== brandId) return;
      pending.push(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      flushing ??= setImmediate(flush);
    };
    const unsubscribe = core.bus.subscribe(send);
    // A stream lives no longer than its session: signing out or switching brands ends it at the next beat.
    const sessionId = req.principal?.sessionId;
    const beat = setInterval(() => {
      void (sessionId ? core.auth.sessionAlive(sessionId) : Promise.resolve(true)).then((alive) => {
        if (alive) res.write(': ping\n\n');
        else res.end();
      }, () => res.write(': ping\n\n'));
    }, 15_000);
    const close = () => {
      clearInterval(beat);
      unsubscribe();
      if (flushing) clearImmediate(flushing);
      pending = [];
    };
    req.raw.on('close', close);
    res.on('error', close);
  });
}
