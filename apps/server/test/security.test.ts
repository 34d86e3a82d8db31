import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { safeEqual, signApiBody, systemActor } from '@earshot/core';
import { buildApp } from '../src/http/app';
import { loadConfig } from '../src/config';
import { createTestCore, seedBrand, apiDelivery, type SeededBrand, type TestCore } from '../../../test/support/core';
import { as } from '../../../test/support/http';

const src = (rel: string) => readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');

describe('signature checks', () => {
  it('compare in constant time (timingSafeEqual behind safeEqual and digestsEqual)', () => {
    expect(src('../../../packages/core/src/shared/crypto.ts')).toMatch(/export function safeEqual[\s\S]*timingSafeEqual\(ab, bb\)/);
    expect(src('../../../packages/core/src/channels/api/api.driver.ts')).toMatch(/safeEqual\(got, signApiBody\(/);
    expect(src('../../../packages/core/src/channels/shared/hmac.ts')).toMatch(/timingSafeEqual\(expected, given\)/);
    for (const f of ['x/x.verification.ts', 'meta/meta.verification.ts']) expect(src(`../../../packages/core/src/channels/${f}`)).toMatch(/digestsEqual\(/);
  });

  it('refuse a wrong signature of the same length and of another length alike', () => {
    const good = signApiBody('secret', '{"a":1}');
    const sameLength = `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`;
    expect(safeEqual(good, good)).toBe(true);
    expect(safeEqual(sameLength, good)).toBe(false);
    expect(safeEqual(good.slice(0, 10), good)).toBe(false);
    expect(safeEqual(`${good}00`, good)).toBe(false);
    expect(safeEqual('', good)).toBe(false);
  });
});

describe('an app under attack', () => {
  let t: TestCore;
  let b: SeededBrand;
  let app: FastifyInstance;
  const logLines: string[] = [];

  beforeAll(async () => {
    t = await createTestCore('pglite');
    b = await seedBrand(t.core, 'sec');
    app = await buildApp({
      core: t.core, webDist: null, loginRateLimit: 1000, logLevel: 'trace',
      logStream: { write: (line: string) => { logLines.push(line); } },
      // The limits as an operator sets them, through the environment (EARSHOT_RATE_LIMIT_*).
      rateLimits: loadConfig({ EARSHOT_SECRET_KEY: 'k'.repeat(32), EARSHOT_RATE_LIMIT_IP: '40', EARSHOT_RATE_LIMIT_CALLER: '15', EARSHOT_RATE_LIMIT_INGEST: '25' }).rateLimits,
    });
    // The app does not log every request (disableRequestLogging); an operator who turns that on
    // gets lines like these: the request and reply with their headers, through the app's redaction.
    app.addHook('onResponse', async (req, reply) => { req.log.info({ req: { method: req.method, url: req.url, headers: req.headers }, res: { statusCode: reply.statusCode } }, 'request completed'); });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('keeps passwords, tokens, cookies and channel secrets out of the log', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: b.emails.admin, password: b.password }, remoteAddress: '10.1.0.1' });
    expect(res.statusCode).toBe(200);
    const cookie = String([res.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
    const session = { cookie, csrf: res.json<{ csrfToken: string }>().csrfToken };
    const call = as(app, session);
    const channelSecret = 'x-consumer-secret-DO-NOT-LOG-9f8e7d';
    const ch = await call('POST', '/api/v1/channels', { kind: 'x', name: 'X', credentials: { consumerSecret: channelSecret, accessToken: 'x-access-token-DO-NOT-LOG' }, settings: {} });
    expect(ch.statusCode).toBe(200);
    const tok = await call('POST', '/api/v1/tokens', { name: 'ci', scopes: ['conversation:read'] });
    const token = tok.json<{ token: string }>().token;
    expect(token).toMatch(/^es_/);
    expect((await app.inject({ method: 'GET', url: '/api/v1/conversations', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    const d = apiDelivery(b.apiSecret, [{ id: 'log-1', text: 'my card number is secret-ish' }]);
    expect((await app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body })).statusCode).toBe(200);
    // Failures log too: a wrong password, a bad token, a bad signature, a 404.
    await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: b.emails.admin, password: `${b.password}-wrong` } });
    await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}x` } });
    await app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': `sha256=${'0'.repeat(64)}` }, payload: d.body });
    await t.core.worker().drain();

    const log = logLines.join('');
    expect(logLines.length).toBeGreaterThan(0); // the logger was really writing
    for (const secret of [b.password, token, channelSecret, 'x-access-token-DO-NOT-LOG', cookie.split('=')[1] ?? '∅', session.csrf, b.apiSecret, d.signature]) {
      expect(log.includes(secret), `log contains ${secret.slice(0, 6)}…`).toBe(false);
    }
  });

  it('sends security headers on every route, public or not, whatever the answer', async () => {
    const seen: string[] = [];
    for (const r of app.routeTable) {
      if (r.method === 'HEAD' || r.url === '/api/v1/events') continue;
      const url = r.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000').replace('*', 'x');
      const res = await app.inject({ method: r.method as 'GET', url, remoteAddress: `10.2.${seen.length % 250}.1` });
      seen.push(`${r.method} ${r.url}`);
      expect([r.method, r.url, res.headers['x-content-type-options'], res.headers['x-frame-options'], String(res.headers['content-security-policy']).includes("default-src")])
        .toEqual([r.method, r.url, 'nosniff', 'DENY', true]);
    }
    expect(seen.length).toBeGreaterThan(30);
  });

  it('limits requests per IP address, before authentication', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer es_forged_${i}` }, remoteAddress: '10.3.0.1' })).statusCode);
    expect(statuses.slice(0, 40).every((s) => s === 401)).toBe(true);
    const limited = await app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress: '10.3.0.1' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'EARSHOT_RATE_LIMITED' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.3.0.2' })).statusCode).toBe(200);
  });

  it('limits requests per API token, across addresses', async () => {
    const { token } = await t.core.auth.createToken({ ...systemActor(b.brandId), userId: b.adminId }, { name: 'busy', scopes: ['conversation:read'] });
    const { token: other } = await t.core.auth.createToken({ ...systemActor(b.brandId), userId: b.adminId }, { name: 'calm', scopes: ['conversation:read'] });
    const statuses: number[] = [];
    for (let i = 0; i < 18; i++) statuses.push((await app.inject({ method: 'GET', url: '/api/v1/conversations', headers: { authorization: `Bearer ${token}` }, remoteAddress: `10.4.0.${i}` })).statusCode);
    expect(statuses.slice(0, 15)).toEqual(Array(15).fill(200));
    expect(statuses.slice(15)).toEqual([429, 429, 429]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/conversations', headers: { authorization: `Bearer ${other}` }, remoteAddress: '10.4.0.1' })).statusCode).toBe(200);
  });

  it('gives webhook deliveries their own limit per channel and address, storing nothing past it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 28; i++) {
      const d = apiDelivery(b.apiSecret, [{ id: `rl-${i}` }]);
      statuses.push((await app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body, remoteAddress: '10.5.0.1' })).statusCode);
    }
    expect(statuses.slice(0, 25)).toEqual(Array(25).fill(200));
    expect(statuses.slice(25)).toEqual([429, 429, 429]);
    const stored = await t.core.db.selectFrom('inbound_events').select('provider_event_id').where('provider_event_id', 'like', 'evt-rl-%').execute();
    expect(stored).toHaveLength(25);
  });

  it('refuses an oversized body on every kind of route', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(1_100_000) });
    const { token } = await t.core.auth.createToken({ ...systemActor(b.brandId), userId: b.adminId }, { name: 'big', scopes: ['token:manage'] });
    for (const url of ['/api/v1/auth/login', `/api/v1/channels/${b.apiChannelId}/events`, '/api/v1/tokens']) {
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, payload: big, remoteAddress: '10.6.0.1' });
      expect([url, res.statusCode, res.json<{ error: { code: string } }>().error.code]).toEqual([url, 413, 'EARSHOT_BODY_TOO_LARGE']);
    }
  });
});

describe('slow clients', () => {
  let t: TestCore;
  let app: FastifyInstance;
  let port = 0;
  beforeAll(async () => {
    t = await createTestCore('pglite');
    app = await buildApp({ core: t.core, webDist: null, timeouts: { request: 1500, connection: 3000, keepAlive: 1000, check: 250 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    port = typeof addr === 'object' && addr ? addr.port : 0;
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('cuts connections that trickle their headers (slowloris) while normal requests are answered', async () => {
    const sockets: Socket[] = [];
    const closed = new Set<Socket>();
    for (let i = 0; i < 60; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.on('close', () => closed.add(s));
      s.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
      sockets.push(s);
    }
    // Trickle one header line every 200 ms, never finishing the request.
    let n = 0;
    const trickle = setInterval(() => { n++; for (const s of sockets) if (!closed.has(s)) s.write(`X-Slow-${n}: ${n}\r\n`); }, 200);
    try {
      await new Promise((r) => setTimeout(r, 500));
      const mid = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(mid.status).toBe(200);
      // Wait (bounded) for the server to cut them: request timeout 1.5 s, checked every 250 ms.
      for (let i = 0; i < 40 && closed.size < sockets.length; i++) await new Promise((r) => setTimeout(r, 100));
      expect(closed.size).toBe(sockets.length);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      clearInterval(trickle);
      for (const s of sockets) s.destroy();
    }
  });
});
