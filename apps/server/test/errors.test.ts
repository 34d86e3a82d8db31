import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

// HTTP-level behaviour that does not depend on the database kind: one run on the embedded database.
let t: TestApp;
let b: SeededBrand;
let s: Session;
beforeAll(async () => {
  t = await createTestApp('pglite', { loginRateLimit: 5, bodyLimit: 64 * 1024 });
  b = await seedBrand(t.core, 'acme');
  s = await login(t.app, b.emails.agent, b.password);
});
afterAll(async () => { await t?.drop(); });

const events = (headers: Record<string, string>, payload: string | Buffer) => t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers, payload });
const count = async () => Number((await sql<{ n: string }>`select count(*) as n from inbound_events`.execute(t.core.db)).rows[0]?.n);

it('answers bad input with a 4xx and an EARSHOT_* code, storing nothing', async () => {
  const before = await count();
  const cases: [string, Record<string, string>, string | Buffer, number, string][] = [
    ['malformed JSON', { 'content-type': 'application/json', 'x-earshot-signature': 'sha256=00' }, '{"events": [', 400, 'EARSHOT_MALFORMED_JSON'],
    ['wrong content type', { 'content-type': 'text/plain', 'x-earshot-signature': 'sha256=00' }, 'hello', 415, 'EARSHOT_UNSUPPORTED_MEDIA_TYPE'],
    ['oversize body', { 'content-type': 'application/json' }, `{"x":"${'a'.repeat(70_000)}"}`, 413, 'EARSHOT_BODY_TOO_LARGE'],
    ['bad signature', { 'content-type': 'application/json', 'x-earshot-signature': 'sha256=00' }, apiDelivery(b.apiSecret, [{ id: 'q' }]).body, 401, 'EARSHOT_SIGNATURE_INVALID'],
  ];
  for (const [name, headers, payload, status, code] of cases) {
    const res = await events(headers, payload);
    expect([name, res.statusCode, res.json<{ error: { code: string } }>().error.code]).toEqual([name, status, code]);
  }
  const unknownField = apiDelivery(b.apiSecret, [{ id: 'u' }]);
  const withExtra = JSON.stringify({ ...JSON.parse(unknownField.body), extra: 1 });
  const { signApiBody } = await import('@earshot/core');
  const res = await events({ 'content-type': 'application/json', 'x-earshot-signature': signApiBody(b.apiSecret, withExtra) }, withExtra);
  expect(res.statusCode).toBe(400);
  expect(res.json()).toMatchObject({ error: { code: 'EARSHOT_VALIDATION' } });
  expect(await count()).toBe(before);
});

it('answers wrong ids and unknown fields on API routes with the field at fault', async () => {
  const call = as(t.app, s);
  expect((await call('GET', '/api/v1/conversations/not-a-uuid')).json()).toMatchObject({ error: { code: 'EARSHOT_VALIDATION', field: expect.stringContaining('params') } });
  expect((await call('GET', '/api/v1/conversations/00000000-0000-4000-8000-000000000000')).json()).toMatchObject({ error: { code: 'EARSHOT_CONVERSATION_NOT_FOUND' } });
  const r = await call('POST', '/api/v1/conversations/00000000-0000-4000-8000-000000000000/priority', { priority: 'high', sneaky: true });
  expect(r.statusCode).toBe(400);
  expect(r.json()).toMatchObject({ error: { code: 'EARSHOT_VALIDATION' } });
  expect((await call('GET', '/api/v1/conversations?cursor=garbage')).json()).toMatchObject({ error: { code: 'EARSHOT_VALIDATION', field: 'query.cursor' } });
  expect((await call('GET', '/api/v1/nope')).statusCode).toBe(404);
  expect((await t.app.inject({ method: 'POST', url: '/api/v1/channels/00000000-0000-4000-8000-000000000000/events', headers: { 'content-type': 'application/json' }, payload: '{}' })).json()).toMatchObject({ error: { code: 'EARSHOT_CHANNEL_NOT_FOUND' } });
});

it('requires the CSRF header for cookie sessions on unsafe methods', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } });
  expect(res.statusCode).toBe(403);
  expect(res.json()).toMatchObject({ error: { code: 'EARSHOT_CSRF' } });
  const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie, 'x-csrf-token': `${s.csrf}x` } });
  expect(wrong.statusCode).toBe(403);
});

it('issues a fresh HTTP-only session at login (no fixation) and ends it at logout', async () => {
  const planted = 'earshot_session=attacker-chosen-value';
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { cookie: planted }, payload: { email: b.emails.admin, password: b.password } });
  const set = String([res.headers['set-cookie']].flat()[0]);
  expect(set).toMatch(/^earshot_session=/);
  expect(set).not.toContain('attacker-chosen-value');
  expect(set).toMatch(/HttpOnly/);
  expect(set).toMatch(/SameSite=Strict/);
  const session = { cookie: set.split(';')[0] ?? '', csrf: res.json<{ csrfToken: string }>().csrfToken };
  expect((await as(t.app, session)('GET', '/api/v1/me')).statusCode).toBe(200);
  expect((await as(t.app, session)('POST', '/api/v1/auth/logout')).statusCode).toBe(200);
  expect((await as(t.app, session)('GET', '/api/v1/me')).statusCode).toBe(401);
  expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: planted } })).statusCode).toBe(401);
});

it('stores passwords as scrypt hashes and rate-limits sign-in attempts', async () => {
  const row = await t.core.db.selectFrom('users').select('password_hash').where('email', '=', b.emails.viewer).executeTakeFirstOrThrow();
  expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: b.emails.viewer, password: 'wrong password' }, remoteAddress: '10.9.9.9' });
    statuses.push(res.statusCode);
  }
  expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
  expect(statuses.at(-1)).toBe(429);
});

it('sends security headers on every answer', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/healthz' });
  expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
});

it('never lets a NUL character reach the database: %00 in a query is a 400, NUL in a JSON string is dropped', async () => {
  const call = as(t.app, s);
  for (const url of ['/api/v1/conversations?q=%00', '/api/v1/contacts?q=a%00b', '/api/v1/incidents?q=%00', '/api/v1/conversations?q=x&tag=%00']) {
    const res = await call('GET', url);
    expect([url, res.statusCode, res.json<{ error: { code: string } }>().error.code]).toEqual([url, 400, 'EARSHOT_VALIDATION']);
  }
  const d = apiDelivery(b.apiSecret, [{ id: 'nul-1', author: 'nul', text: 'broken\u0000 text' }]);
  expect(d.body).toContain('\\u0000');
  const res = await events({ 'content-type': 'application/json', 'x-earshot-signature': d.signature }, d.body);
  expect(res.statusCode).toBe(200);
  await t.core.worker().drain();
  const m = await t.core.db.selectFrom('messages').select(['text', 'conversation_id']).where('provider_message_id', '=', 'nul-1').executeTakeFirstOrThrow();
  expect(m.text).toBe('broken text');
  const note = await call('POST', `/api/v1/conversations/${m.conversation_id}/notes`, { text: 'a\u0000b' });
  expect(note.statusCode).toBeLessThan(300);
  const stored = await t.core.db.selectFrom('messages').select('text').where('conversation_id', '=', m.conversation_id).where('kind', '=', 'note').executeTakeFirstOrThrow();
  expect(stored.text).toBe('ab');
});

it('names the field at fault in a malformed API channel event, in either body shape (not `body.`)', async () => {
  const { signApiBody } = await import('@earshot/core');
  const send = (body: unknown) => {
    const raw = JSON.stringify(body);
    return events({ 'content-type': 'application/json', 'x-earshot-signature': signApiBody(b.apiSecret, raw) }, raw);
  };
  const ok = JSON.parse(apiDelivery(b.apiSecret, [{ id: 'f-1' }]).body) as { events: [{ id: string; message: Record<string, unknown> }] };
  const event = ok.events[0];
  const { author: _author, ...noAuthor } = event.message;
  const before = await count();
  const cases: [string, unknown, string][] = [
    ['single event without an author', { id: 'f-2', message: noAuthor }, 'body.message.author'],
    ['single event with an empty id', { id: '', message: event.message }, 'body.id'],
    ['second event of a batch with text as a number', { events: [event, { id: 'f-3', message: { ...event.message, text: 42 } }] }, 'body.events.1.message.text'],
    ['empty batch', { events: [] }, 'body.events'],
    ['unknown key in a message', { id: 'f-4', message: { ...event.message, mood: 'angry' } }, 'body.message.mood'],
    ['unknown key beside events', { events: [event], extra: 1 }, 'body.extra'],
    ['an array', [event], 'body'],
  ];
  for (const [name, body, field] of cases) {
    const res = await send(body);
    const err = res.json<{ error: { code: string; field?: string; message: string } }>().error;
    expect([name, res.statusCode, err.code, err.field]).toEqual([name, 400, 'EARSHOT_VALIDATION', field]);
    expect(err.message.length).toBeGreaterThan(0);
  }
  expect(await count()).toBe(before);
});

it('answers a unique violation from a concurrent request with 409 EARSHOT_CONFLICT, not a 500', async () => {
  const { default: Fastify } = await import('fastify');
  const { errorHandler } = await import('../src/http/errors');
  const app = Fastify({ logger: false });
  app.setErrorHandler(errorHandler);
  // What pg throws when a unique index refuses the second of two racing inserts.
  app.get('/race', async () => { throw Object.assign(new Error('duplicate key value violates unique constraint "channels_one_community_idx"'), { code: '23505', constraint: 'channels_one_community_idx' }); });
  const res = await app.inject({ method: 'GET', url: '/race' });
  expect(res.statusCode).toBe(409);
  expect(res.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'EARSHOT_CONFLICT' });
  expect(res.body).not.toContain('channels_one_community_idx');
  await app.close();
});
