import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { EarshotError } from '@earshot/domain';
import type { Core } from '@earshot/core';
import { authPlugin } from './auth.plugin';
import { errorHandler, notFoundHandler } from './errors';
import { Metrics } from './metrics';
import { securityHeaders } from './security-headers';
import { DEFAULT_RATE_LIMITS, installRateLimits, type RateLimits } from './rate-limits';
import { registerRoutes } from '../routes/index';

export interface AppOptions {
  core: Core;
  logLevel?: string;
  cookieSecure?: boolean;
  /** Built desk to serve at / (apps/web/dist). */
  webDist?: string | null;
  /** Login attempts per IP per minute. */
  loginRateLimit?: number;
  bodyLimit?: number;
  /** Requests per minute per IP, per token/session, and per channel+IP for webhooks. */
  rateLimits?: Partial<RateLimits>;
  /** Where log lines go (stdout by default); tests capture them to prove secrets stay out. */
  logStream?: { write(line: string): void };
  /** Slow-client limits in ms (defaults: request 30 s, connection 60 s, keep-alive 10 s, checked every 5 s). */
  timeouts?: { request?: number; connection?: number; keepAlive?: number; check?: number };
}

declare module 'fastify' {
  interface FastifyRequest { rawBody?: Buffer }
  interface FastifyInstance { routeTable: RouteInfo[] }
}

export interface RouteInfo { method: string; url: string; public: boolean }

const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Builds the HTTP app without listening, so tests use inject() and the CLI calls listen(). */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logLevel && opts.logLevel !== 'silent' ? {
      level: opts.logLevel,
      // Secrets never reach the log: no headers, no bodies; only method, url and status.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    } : false,
    bodyLimit: opts.bodyLimit ?? 1_048_576,
    trustProxy: false,
    // Plugins load while a worker may be busy on the same event loop (embedded database).
    pluginTimeout: 60_000,
    // A slow client cannot hold a connection forever.
    requestTimeout: opts.timeouts?.request ?? 30_000,
    connectionTimeout: opts.timeouts?.connection ?? 60_000,
    keepAliveTimeout: opts.timeouts?.keepAlive ?? 10_000,
    // Node checks those timeouts periodically (30 s by default): often enough that trickling headers cannot pile up.
    http: { connectionsCheckingInterval: opts.timeouts?.check ?? 5_000 },
    routerOptions: { maxParamLength: 200 },
    logController: new LogController({ disableRequestLogging: true }),
    // A malformed URL (`/kb/x/%ZZ`) is refused by the router before any handler: same coded 400.
    frameworkErrors: (err, req, reply) => errorHandler(err, req, reply),
  }).withTypeProvider<ZodTypeProvider>();

  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    // The docs pages are public reading; everything else keeps its own config.
    // The built desk's files (@fastify/static routes carry config.file) are public too: sign-in is in the app.
    if (route.url.startsWith('/api/docs') || (route.config as { file?: unknown } | undefined)?.file !== undefined) route.config = { ...(route.config ?? {}), public: true };
    for (const method of [route.method].flat()) routeTable.push({ method, url: route.url, public: !!route.config?.public });
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  // A NUL in the URL (`?q=%00`) can never match stored text, and the database refuses it: a 400 up front.
  app.addHook('onRequest', async (req) => {
    if (/%00/.test(req.url)) throw new EarshotError('EARSHOT_VALIDATION', 'the URL contains a NUL character (%00)', { field: 'query' });
  });

  // JSON bodies are kept raw as well: webhook signatures are computed over the exact bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    req.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      // PostgreSQL cannot store a NUL character in text or jsonb: it is dropped from every string
      // (the raw bytes, which signatures cover, are kept as they came).
      const text = body.toString('utf8');
      done(null, (text.includes('\\u0000') ? JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' ? v.replaceAll('\0', '') : v)) : JSON.parse(text)) as unknown);
    } catch {
      done(new EarshotError('EARSHOT_MALFORMED_JSON', 'request body is not valid JSON', { field: 'body' }), undefined);
    }
  });
  app.addContentTypeParser('*', (_req, _payload, done) => {
    done(new EarshotError('EARSHOT_UNSUPPORTED_MEDIA_TYPE', 'send JSON with Content-Type: application/json', { field: 'headers.content-type' }), undefined);
  });

  const metrics = new Metrics(opts.core);
  metrics.install(app);
  securityHeaders(app);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  installRateLimits(app, { ...DEFAULT_RATE_LIMITS, ...opts.rateLimits });
  await app.register(authPlugin, { core: opts.core });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Earshot API', version: '1', description: 'Social customer care desk. Authenticate with a session cookie (+ X-CSRF-Token) or `Authorization: Bearer <token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });

  await registerRoutes(app, { core: opts.core, metrics, cookieSecure: opts.cookieSecure ?? false, loginRateLimit: opts.loginRateLimit ?? 10 });

  const webDist = opts.webDist === undefined ? DEFAULT_WEB_DIST : opts.webDist;
  if (webDist && existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false, index: ['index.html'] });
    app.get('/*', { config: { public: true }, schema: { hide: true } }, (req, reply) => {
      if (req.url.startsWith('/api/')) return notFoundHandler(req, reply);
      return reply.type('text/html').sendFile('index.html');
    });
  }
  return app;
}
