import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { DbKind } from '@earshot/db';
import type { Clock, MessageClassifier, WebhookOptions } from '@earshot/core';
import { buildApp } from '../../apps/server/src/http/app';
import { createTestCore, type TestCore } from './core';

export interface TestApp extends TestCore { app: FastifyInstance }

export async function createTestApp(kind: DbKind, opts: { loginRateLimit?: number; bodyLimit?: number; webhooks?: WebhookOptions; clock?: Clock; classifier?: MessageClassifier } = {}): Promise<TestApp> {
  const t = await createTestCore(kind, { ...(opts.webhooks ? { webhooks: opts.webhooks } : {}), ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.classifier ? { classifier: opts.classifier } : {}) });
  const app = await buildApp({ core: t.core, webDist: null, loginRateLimit: opts.loginRateLimit ?? 10_000, ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}) });
  await app.ready();
  return { ...t, app, async drop() { await app.close(); await t.drop(); } };
}

export interface Session { cookie: string; csrf: string }

export async function login(app: FastifyInstance, email: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  return sessionOf(res);
}

/** The session a sign-in or a brand switch answered with (its cookie and CSRF token). */
export function sessionOf(res: LightMyRequestResponse): Session {
  if (res.statusCode !== 200) throw new Error(`no session: ${res.statusCode} ${res.body}`);
  const set = [res.headers['set-cookie']].flat().find((c): c is string => typeof c === 'string' && c.startsWith('earshot_session='));
  if (!set) throw new Error('no session cookie');
  return { cookie: set.split(';')[0] ?? '', csrf: (res.json() as { csrfToken: string }).csrfToken };
}

export function as(app: FastifyInstance, s: Session | null) {
  return (method: string, url: string, payload?: unknown): Promise<LightMyRequestResponse> =>
    app.inject({
      method: method as 'GET', url,
      headers: { ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
    });
}
