import { afterAll, beforeAll, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { ZodError } from 'zod';
import { sql } from '@earshot/db';
import { EarshotError } from '@earshot/domain';
import { signApiBody, systemActor } from '@earshot/core';
import { startMetaFakeServer, startXFakeServer, type MetaFakeServer, type XFakeServer } from '../../../packages/core/src/channels/index';
import { parseEmail } from '../../../packages/core/src/channels/email/email.parse';
import { parseFeed } from '../../../packages/core/src/channels/feed/feed.parse';
import { buildApp } from '../src/http/app';
import { createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';
import { login, type Session } from '../../../test/support/http';

/**
 * Property-based fuzzing of every public endpoint, every webhook parser and the protected API:
 * generated malformed input is always answered with a 4xx and an EARSHOT_* code (never a 5xx),
 * a rejected request changes no row, and the server keeps answering. The embedded database only:
 * this is about the HTTP and parsing layers.
 */
let t: TestCore;
let b: SeededBrand;
let app: FastifyInstance;
let x: XFakeServer;
let meta: MetaFakeServer;
let admin: Session;
const ch: Record<'x' | 'facebook' | 'email', string> = { x: '', facebook: '', email: '' };
let rejected = 0;
let answered = 0;

beforeAll(async () => {
  t = await createTestCore('pglite');
  b = await seedBrand(t.core, 'fuzz');
  x = await startXFakeServer();
  meta = await startMetaFakeServer();
  const actor = systemActor(b.brandId);
  ch.x = (await t.core.channels.create(actor, { kind: 'x', name: 'X', credentials: { ...x.credentials }, settings: { apiBaseUrl: x.url, userId: x.brand.id } })).channel.id;
  ch.facebook = (await t.core.channels.create(actor, { kind: 'facebook', name: 'FB', credentials: { ...meta.credentials }, settings: { apiBaseUrl: meta.url } })).channel.id;
  ch.email = (await t.core.channels.create(actor, { kind: 'email', name: 'Mail', credentials: {}, settings: {} })).channel.id;
  app = await buildApp({ core: t.core, webDist: null, loginRateLimit: 1_000_000, rateLimits: { perIp: 1_000_000, perCaller: 1_000_000, ingest: 1_000_000 } });
  await app.ready();
  admin = await login(app, b.emails.admin, b.password);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await x?.close();
  await meta?.close();
  await t?.drop();
});

const rows = async (): Promise<string> => (await sql<{ n: string }>`select concat_ws(',',
  (select count(*) from inbound_events), (select count(*) from jobs), (select count(*) from audit_events),
  (select count(*) from messages), (select count(*) from conversations), (select count(*) from contacts),
  (select count(*) from users), (select count(*) from api_tokens), (select count(*) from channels), (select count(*) from teams),
  (select count(*) from kb_articles)) as n`.execute(t.core.db)).rows[0]?.n ?? '';

/** The invariant for one request: never a 5xx; a refusal carries an EARSHOT_* code and stores nothing. */
let snapshot: string | null = null;
async function check(send: () => Promise<LightMyRequestResponse>): Promise<void> {
  // Row counts are taken again only after an accepted request, so a refusal costs one count query.
  const before = snapshot ?? await rows();
  const res = await send();
  answered++;
  expect(res.statusCode, res.body).toBeLessThan(500);
  if (res.statusCode >= 400) {
    rejected++;
    expect(res.headers['content-type'], res.body).toContain('application/json');
    expect(res.json<{ error: { code: string } }>().error.code).toMatch(/^EARSHOT_[A-Z_]+$/);
    snapshot = await rows();
    expect(snapshot).toBe(before);
  } else {
    snapshot = await rows();
  }
}

/** Replace one node of a JSON value (found by a random walk) with arbitrary JSON, or drop it. */
function mutate(base: unknown): fc.Arbitrary<unknown> {
  return fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.oneof(fc.jsonValue(), fc.constant(undefined)), fc.boolean()).map(([path, value, extra]) => {
    const root = structuredClone(base) as unknown;
    let node: unknown = root;
    for (let i = 0; i < path.length; i++) {
      if (!node || typeof node !== 'object') break;
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const key = keys[(path[i] ?? 0) % keys.length] ?? '';
      const child = (node as Record<string, unknown>)[key];
      if (i === path.length - 1 || !child || typeof child !== 'object') {
        if (value === undefined) delete (node as Record<string, unknown>)[key];
        else (node as Record<string, unknown>)[key] = value;
        break;
      }
      node = child;
    }
    if (extra && root && typeof root === 'object' && !Array.isArray(root)) (root as Record<string, unknown>).unexpected = value ?? null;
    return root;
  });
}

const rawBody = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u).toString('latin1')),
  fc.constantFrom('', '{', '[]', 'null', '{"events":', '{"events":[{}]}', '\u0000', '{"a":1}{"b":2}', '{"__proto__":{"polluted":1}}', '{"text":"a\\u0000b","name":"\\u0000","q":"\\u0000"}'),
);
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/json;;');

it('generic API webhook: malformed, unsigned or wrongly signed deliveries are refused', async () => {
  const valid = { events: [{ id: 'evt-v', message: { providerMessageId: 'v', direction: 'inbound', visibility: 'public', author: { externalId: 'c1' }, text: 'hello', sentAt: new Date().toISOString() } }] };
  const body = fc.oneof({ weight: 2, arbitrary: mutate(valid).map((v) => JSON.stringify(v) ?? '') }, { weight: 1, arbitrary: rawBody });
  const signature = fc.oneof(fc.constant('good'), fc.constant('none'), fc.string({ maxLength: 80 }), fc.constant(`sha256=${'0'.repeat(64)}`));
  await fc.assert(fc.asyncProperty(body, signature, contentType, async (payload, sig, type) => {
    // Never let a generated body be accepted by accident: a valid delivery re-signed is not malformed.
    const headers: Record<string, string> = { 'content-type': type };
    if (sig === 'good') headers['x-earshot-signature'] = signApiBody(b.apiSecret, payload);
    else if (sig !== 'none') headers['x-earshot-signature'] = sig;
    await check(() => app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers, payload }));
  }), { numRuns: 2500 });
}, 600_000);

it('X Account Activity webhook: malformed deliveries (validly signed or not) are refused', async () => {
  const from = x.addCustomer({ username: 'fuzzer' });
  const { payload: tweet } = x.mention({ from, text: 'valid mention' });
  const { payload: dm } = x.dm({ from, text: 'valid dm' });
  const body = fc.oneof(mutate(tweet), mutate(dm), rawBody.map((s) => ({ raw: s }))).map((v) => JSON.stringify(v) ?? '');
  await fc.assert(fc.asyncProperty(body, fc.boolean(), async (payload, signed) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(signed ? x.sign(JSON.parse(payload)).headers : {}) };
    // x.sign re-serialises: sign the exact bytes sent.
    const exact = signed ? JSON.stringify(JSON.parse(payload)) : payload;
    await check(() => app.inject({ method: 'POST', url: `/api/v1/channels/${ch.x}/events`, headers, payload: exact }));
  }), { numRuns: 2000 });
  // The CRC challenge with arbitrary query strings.
  await fc.assert(fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 4 }), async (query) => {
    const qs = new URLSearchParams(query).toString();
    await check(() => app.inject({ method: 'GET', url: `/api/v1/channels/${ch.x}/events?${qs}` }));
  }), { numRuns: 300 });
}, 600_000);

it('Meta webhook (feed comments, Messenger): malformed deliveries are refused', async () => {
  const person = meta.addPerson({ name: 'Fuzz', platform: 'facebook' });
  const { payload: comment } = meta.facebookComment({ from: person, text: 'valid comment' });
  const { payload: dm } = meta.messengerMessage({ from: person, text: 'valid dm' });
  const body = fc.oneof(mutate(comment), mutate(dm), rawBody.map((s) => ({ raw: s }))).map((v) => JSON.stringify(v) ?? '');
  await fc.assert(fc.asyncProperty(body, fc.boolean(), async (payload, signed) => {
    const exact = JSON.stringify(JSON.parse(payload));
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(signed ? meta.sign(JSON.parse(payload)).headers : { 'x-hub-signature-256': `sha256=${'ab'.repeat(32)}` }) };
    await check(() => app.inject({ method: 'POST', url: `/api/v1/channels/${ch.facebook}/events`, headers, payload: exact }));
  }), { numRuns: 2000 });
  await fc.assert(fc.asyncProperty(fc.dictionary(fc.constantFrom('hub.mode', 'hub.verify_token', 'hub.challenge', 'x'), fc.string({ maxLength: 40 })), async (query) => {
    await check(() => app.inject({ method: 'GET', url: `/api/v1/channels/${ch.facebook}/events?${new URLSearchParams(query).toString()}` }));
  }), { numRuns: 300 });
}, 600_000);

it('webhook URLs of polled channels and unknown channels refuse deliveries', async () => {
  const id = fc.oneof(fc.constant(ch.email), fc.uuid(), fc.string({ maxLength: 60 }).map(encodeURIComponent));
  await fc.assert(fc.asyncProperty(id, rawBody, async (channelId, payload) => {
    await check(() => app.inject({ method: 'POST', url: `/api/v1/channels/${channelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': signApiBody(b.apiSecret, payload) }, payload }));
  }), { numRuns: 400 });
}, 600_000);

it('sign-in: malformed bodies and wrong credentials are refused', async () => {
  const body = fc.oneof(
    rawBody,
    fc.record({ email: fc.oneof(fc.string({ maxLength: 400 }), fc.jsonValue()), password: fc.oneof(fc.string({ maxLength: 1100 }), fc.jsonValue()), brand: fc.option(fc.jsonValue()) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
  );
  await fc.assert(fc.asyncProperty(body, contentType, async (payload, type) => {
    await check(() => app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': type }, payload }));
  }), { numRuns: 800 });
}, 600_000);

it('every protected route: garbage params, query strings and bodies are refused', async () => {
  const routes = app.routeTable.filter((r) => !r.public && r.method !== 'HEAD' && r.url.startsWith('/api/') && r.url !== '/api/v1/events' && r.url !== '/api/v1/auth/logout');
  expect(routes.length).toBeGreaterThan(20);
  const param = fc.oneof(fc.uuid(), fc.string({ maxLength: 50 }).map(encodeURIComponent), fc.constantFrom('0', '-1', '..', '%00', 'null'));
  // NUL is the character PostgreSQL refuses in text: it must be a 400, never a 500.
  const query = fc.dictionary(fc.constantFrom('status', 'cursor', 'limit', 'q', 'assigneeId', 'teamId', 'priority', 'tag', 'sort', 'from', 'to', 'groupBy', 'x'),
    fc.oneof({ weight: 5, arbitrary: fc.string({ maxLength: 30 }) }, { weight: 1, arbitrary: fc.constantFrom('\u0000', 'a\u0000b') }), { maxKeys: 4 });
  const body = fc.oneof(rawBody, fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)));
  await fc.assert(fc.asyncProperty(fc.nat(routes.length - 1), param, param, query, body, async (ri, p1, p2, q, payload) => {
    const r = routes[ri] ?? routes[0]!;
    let n = 0;
    const url = r.url.replace(/:(\w+)/g, () => (n++ === 0 ? p1 : p2));
    const qs = new URLSearchParams(q).toString();
    const hasBody = r.method !== 'GET' && r.method !== 'DELETE';
    await check(() => app.inject({
      method: r.method as 'GET', url: `${url}${qs ? `?${qs}` : ''}`,
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      ...(hasBody ? { payload } : {}),
    }));
  }), { numRuns: 2600 });
}, 600_000);

it('public article page: any brand and slug shows the published article or a 404 page, never a 5xx or a draft', async () => {
  const actor = { ...systemActor(b.brandId), userId: b.adminId };
  await t.core.kb.create(actor, { title: 'Fuzz article', slug: 'fuzz-article', body: 'published text', status: 'published' });
  await t.core.kb.create(actor, { title: 'Fuzz draft', slug: 'fuzz-draft', body: 'draft text' });
  const segment = fc.oneof(
    fc.constantFrom(b.slug, b.brandId, 'fuzz-article', 'fuzz-draft', 'FUZZ-Article', '..', '%00', '%2e%2e', '%2F', '%ZZ', ''),
    fc.string({ maxLength: 120 }).map(encodeURIComponent), fc.uuid(),
  );
  const query = fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 }), { maxKeys: 3 });
  let shown = 0;
  await fc.assert(fc.asyncProperty(segment, segment, query, async (brand, slug, q) => {
    const qs = new URLSearchParams(q).toString();
    const res = await app.inject({ method: 'GET', url: `/kb/${brand}/${slug}${qs ? `?${qs}` : ''}` });
    answered++;
    expect(res.statusCode, res.body).toBeLessThan(500);
    if (res.statusCode === 200) {
      shown++;
      expect([b.slug, b.brandId]).toContain(decodeURIComponent(brand).toLowerCase());
      expect(decodeURIComponent(slug).toLowerCase()).toBe('fuzz-article');
      expect(res.body).toContain('published text');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      return;
    }
    rejected++;
    expect(res.body).not.toContain('draft text');
    if (String(res.headers['content-type']).includes('text/html')) expect(res.statusCode).toBe(404);
    else expect(res.json<{ error: { code: string } }>().error.code).toMatch(/^EARSHOT_[A-Z_]+$/);
  }), { numRuns: 800 });
  expect(shown).toBeGreaterThan(0);
}, 600_000);

it('email and feed parsers: arbitrary input parses or is refused with a validation error', async () => {
  const validEmail = 'From: Ann <ann@example.com>\r\nTo: care@brand.test\r\nSubject: help\r\nMessage-ID: <a1@example.com>\r\n\r\nMy order is late.\r\n';
  const email = fc.oneof(
    fc.uint8Array({ maxLength: 600 }).map((u) => Buffer.from(u)),
    fc.string({ maxLength: 600 }).map((s) => Buffer.from(s)),
    fc.tuple(fc.nat(validEmail.length), fc.string({ maxLength: 40 })).map(([i, s]) => Buffer.from(validEmail.slice(0, i) + s + validEmail.slice(i))),
  );
  let refusedEmails = 0;
  await fc.assert(fc.asyncProperty(email, async (raw) => {
    answered++;
    try {
      const m = await parseEmail(raw);
      expect(typeof m.providerMessageId).toBe('string');
    } catch (err) {
      expect(err instanceof EarshotError || err instanceof ZodError, String(err)).toBe(true);
      refusedEmails++;
      rejected++;
    }
  }), { numRuns: 600 });
  expect(refusedEmails).toBeGreaterThan(100);

  const feedCtx = { feedUrl: 'https://example.com/feed', fetchedAt: new Date().toISOString() };
  const validRss = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title><link>https://example.com/a</link><guid>a</guid></item></channel></rss>';
  const feed = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.tuple(fc.nat(validRss.length), fc.string({ maxLength: 30 })).map(([i, s]) => validRss.slice(0, i) + s + validRss.slice(i)),
    fc.constantFrom('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>', '{"version":"https://jsonfeed.org/version/1.1","items":[{}]}'),
  );
  await fc.assert(fc.property(feed, fc.constantFrom('application/rss+xml', 'application/feed+json', null, 'text/html'), (body, type) => {
    answered++;
    try {
      const parsed = parseFeed(body, type, feedCtx);
      expect(Array.isArray(parsed.items)).toBe(true);
    } catch (err) {
      // The feed parser refuses a malformed document with a coded provider error naming the fault (the
      // poller records it on the channel); never a crash of another kind (TypeError, RangeError).
      expect(err instanceof EarshotError && err.code === 'EARSHOT_PROVIDER_REJECTED', String(err)).toBe(true);
      rejected++;
    }
  }), { numRuns: 1000 });
}, 600_000);

it('stayed up, processed what it accepted, and refused at least 10,000 generated inputs', async () => {
  expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  await t.core.worker().drain();
  // Accepted-but-odd events end done or dead-lettered with their error kept, never stuck or retrying
  // (recurring jobs such as SLA evaluation and channel polls stay queued for later, as they should).
  const stuck = await sql<{ name: string; state: string; last_error: string | null }>`select name, state, last_error from jobs where state = 'running' or (name = 'ingest.process' and state = 'queued')`.execute(t.core.db);
  expect(stuck.rows).toEqual([]);
  expect(answered).toBeGreaterThanOrEqual(rejected);
  expect(rejected).toBeGreaterThanOrEqual(10_000);
}, 600_000);
