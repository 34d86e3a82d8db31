import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { EarshotError, type Permission } from '@earshot/domain';
import { safeEqual, type Core, type Principal } from '@earshot/core';

export const SESSION_COOKIE = 'earshot_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The caller, or EARSHOT_UNAUTHENTICATED. */
    actor(): Principal;
    /** The caller when allowed, or EARSHOT_FORBIDDEN. */
    can(p: Permission): Principal;
  }
  interface FastifyContextConfig {
    /** Routes that authenticate by other means (login, webhooks with signatures, health). */
    public?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authentication on every route unless the route says `config: { public: true }`: a session
 * cookie (with a CSRF header on unsafe methods) or a bearer API token.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: { core: Core }) => {
  app.decorateRequest('principal', null);
  app.decorateRequest('actor', function (this: FastifyRequest) {
    if (!this.principal) throw new EarshotError('EARSHOT_UNAUTHENTICATED', 'sign in or send an API token');
    return this.principal;
  });
  app.decorateRequest('can', function (this: FastifyRequest, p: Permission) {
    const who = this.actor();
    if (!who.permissions.has(p)) throw new EarshotError('EARSHOT_FORBIDDEN', `your role may not do this (${p})`);
    return who;
  });

  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config.public) return;
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!m?.[1]) throw new EarshotError('EARSHOT_UNAUTHENTICATED', 'Authorization must be "Bearer <token>"');
      req.principal = await opts.core.auth.fromApiToken(m[1]);
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (!token) {
      // Unknown routes answer 404 to everyone; everything else needs a caller.
      if (!req.routeOptions.url) return;
      throw new EarshotError('EARSHOT_UNAUTHENTICATED', 'sign in or send an API token');
    }
    const principal = await opts.core.auth.fromSession(token);
    if (UNSAFE.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !principal.csrfToken || !safeEqual(sent, principal.csrfToken)) {
        throw new EarshotError('EARSHOT_CSRF', `missing or wrong ${CSRF_HEADER} header`);
      }
    }
    req.principal = principal;
  });
}, { name: 'earshot-auth', dependencies: ['@fastify/cookie'] });
