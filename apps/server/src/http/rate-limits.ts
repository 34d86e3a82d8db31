import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EarshotError } from '@earshot/domain';

/** Requests per minute. Generous: they stop floods and runaway scripts, not a busy desk. */
export interface RateLimits {
  /** Every request from one IP address (before authentication, so forged tokens count too). */
  perIp: number;
  /** Every authenticated request of one API token or one session. */
  perCaller: number;
  /** Provider webhook deliveries per channel and sending IP (a viral storm is thousands per second). */
  ingest: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perIp: 6_000, perCaller: 3_000, ingest: 600_000 };

const INGEST_ROUTE = '/api/v1/channels/:id/events';
const WINDOW_MS = 60_000;

function limited(ttlS: number, what: string): EarshotError {
  return new EarshotError('EARSHOT_RATE_LIMITED', `too many requests ${what}; try again in ${ttlS} s`, { details: { retryAfterS: ttlS } });
}

/**
 * Three limiters on top of @fastify/rate-limit (registered with global: false): per IP on
 * arrival, per token/session once the caller is known, and a separate, higher one for webhook
 * deliveries keyed by channel and IP. The sign-in route keeps its own, stricter limit.
 */
export function installRateLimits(app: FastifyInstance, limits: RateLimits): void {
  const channelOf = (req: FastifyRequest) => (req.params as { id?: string } | undefined)?.id ?? '';
  const byIp = app.createRateLimit({ max: limits.perIp, timeWindow: WINDOW_MS, keyGenerator: (req) => `ip:${req.ip}` });
  const byIngest = app.createRateLimit({ max: limits.ingest, timeWindow: WINDOW_MS, keyGenerator: (req) => `ingest:${channelOf(req)}:${req.ip}` });
  const byCaller = app.createRateLimit({
    max: limits.perCaller, timeWindow: WINDOW_MS,
    // A session and a token are separate callers even for the same user.
    keyGenerator: (req) => `caller:${req.principal?.sessionId ?? `${req.principal?.type ?? ''}:${req.principal?.id ?? ''}`}`,
  });

  app.addHook('onRequest', async (req, reply) => {
    const ingest = req.routeOptions.url === INGEST_ROUTE;
    const r = await (ingest ? byIngest : byIp)(req);
    if (!r.isAllowed && r.isExceeded) {
      void reply.header('retry-after', String(r.ttlInSeconds));
      throw limited(r.ttlInSeconds, ingest ? 'for this channel' : 'from this address');
    }
  });
  // preHandler runs after authentication (onRequest), so the caller is known here.
  app.addHook('preHandler', async (req, reply) => {
    if (!req.principal) return;
    const r = await byCaller(req);
    if (!r.isAllowed && r.isExceeded) {
      void reply.header('retry-after', String(r.ttlInSeconds));
      throw limited(r.ttlInSeconds, 'for this token or session');
    }
  });
}
