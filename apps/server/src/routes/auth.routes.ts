import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EarshotError, Permissions, RoleEnum } from '@earshot/domain';
import { SESSION_TTL_MS, type Principal } from '@earshot/core';
import { SESSION_COOKIE } from '../http/auth.plugin';
import { authErrors, ErrorResponse, Ok, type RouteDeps } from './shared';

const Me = z.object({
  user: z.object({ id: z.string().nullable(), name: z.string().nullable(), role: RoleEnum.nullable(), operator: z.boolean() }),
  brand: z.object({ id: z.string(), slug: z.string(), name: z.string(), timezone: z.string() }),
  permissions: z.array(z.enum(Permissions)),
  csrfToken: z.string().nullable(),
});

export async function authRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { core } = deps;

  r.post('/api/v1/auth/login', {
    config: {
      public: true,
      rateLimit: {
        max: deps.loginRateLimit, timeWindow: 60_000,
        errorResponseBuilder: (_req, ctx) => new EarshotError('EARSHOT_RATE_LIMITED', `too many sign-in attempts; try again in ${Math.ceil(ctx.ttl / 1000)} s`, { details: { retryAfterS: Math.ceil(ctx.ttl / 1000) } }),
      },
    },
    schema: {
      tags: ['auth'], summary: 'Sign in with email and password; sets an HTTP-only session cookie',
      body: z.strictObject({ email: z.string().min(3).max(320), password: z.string().min(1).max(1024), brand: z.string().max(64).optional() }),
      response: { 200: Me, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse },
    },
  }, async (req, reply) => {
    const res = await core.auth.login(req.body.email, req.body.password, req.body.brand);
    void reply.setCookie(SESSION_COOKIE, res.token, {
      httpOnly: true, sameSite: 'strict', secure: deps.cookieSecure, path: '/', maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return meOf(res.principal, res.csrfToken);
  });

  r.post('/api/v1/auth/switch-brand', {
    schema: {
      tags: ['auth'], summary: 'Switch to another brand you have a role in: a new session (cookie and CSRF token) scoped to it replaces this one',
      body: z.strictObject({ brand: z.string().trim().min(1).max(64) }),
      response: { 200: Me, ...authErrors },
    },
  }, async (req, reply) => {
    const res = await core.auth.switchBrand(req.actor(), req.body.brand);
    void reply.setCookie(SESSION_COOKIE, res.token, {
      httpOnly: true, sameSite: 'strict', secure: deps.cookieSecure, path: '/', maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return meOf(res.principal, res.csrfToken);
  });

  r.post('/api/v1/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out (ends the session)', response: { 200: Ok, ...authErrors } } }, async (req, reply) => {
    req.actor();
    const token = req.cookies[SESSION_COOKIE];
    if (token) await core.auth.logout(token);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  r.get('/api/v1/me', { schema: { tags: ['auth'], summary: 'Who am I: user, brand, permissions, CSRF token', response: { 200: Me, ...authErrors } } }, async (req) => {
    const p = req.actor();
    return meOf(p, p.csrfToken ?? null);
  });

  async function meOf(p: Principal, csrfToken: string | null): Promise<z.infer<typeof Me>> {
    const brand = await core.admin.getBrand(p.brandId);
    return { user: { id: p.userId ?? null, name: p.name ?? null, role: p.role ?? null, operator: p.operator === true }, brand, permissions: [...p.permissions], csrfToken };
  }
}
