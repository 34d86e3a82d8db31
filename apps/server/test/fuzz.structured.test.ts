import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

// Structure-aware fuzzing (issue 18): values the server gave out — page cursors, ids, signatures,
// session cookies — taken apart, their inner fields mutated, and sent back. Every answer is a
// success or a coded 4xx; never a 500. Mutations are deterministic, so a failure names its case.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const LEAF_VALUES: Json[] = [
  null, true, 0, -1, 3.5, 1e308, -1e308, 2 ** 63, '', ' ', 'x', 'infinity', '-infinity', 'NaN', '1e999',
  '2026-13-45T99:99:99Z', '0000-00-00T00:00:00Z', '+275760-09-13T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z',
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  "'; drop table conversations; --", '\u0000', '\ud800', 'é'.repeat(300), 'a'.repeat(5000), [], [1, 2, 3], {}, { $gt: '' },
];

const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Every variant of a decoded cursor with one leaf replaced, a key removed or added, or the whole shape swapped. */
function mutateJson(value: Json): Json[] {
  const out: Json[] = [];
  const walk = (v: Json, rebuild: (x: Json) => Json) => {
    for (const leaf of LEAF_VALUES) out.push(rebuild(leaf));
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, (x) => rebuild(v.map((y, j) => (j === i ? x : y)))));
      out.push(rebuild([...v, 0]), rebuild(v.slice(0, -1)), rebuild([...v].reverse()));
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        walk(v[k] ?? null, (x) => rebuild({ ...v, [k]: x }));
        const { [k]: _dropped, ...rest } = v;
        out.push(rebuild(rest));
      }
      out.push(rebuild({ ...v, extra: 1 }), rebuild({ ...v, __proto__: { polluted: true } } as Json));
    }
  };
  walk(value, (x) => x);
  return out;
}

/** Byte-level damage to the encoded form: cut, flipped, padded, re-encoded as standard base64. */
function mutateText(s: string): string[] {
  return [
    '', s.slice(0, -1), s.slice(1), `${s}A`, `${s}=`, s.toUpperCase(), s.split('').reverse().join(''),
    `${s.slice(0, 5)}${s[5] === 'A' ? 'B' : 'A'}${s.slice(6)}`, Buffer.from(s, 'base64url').toString('base64'), '%00', '..%2F..%2F', 'e1', 'e-1', 'e99999999999999999999',
  ];
}

describeEachDb('structure-aware fuzzing of what the server gives out', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let admin: Session;
  let agent: Session;
  const cursors: { name: string; url: (cursor: string) => string }[] = [];
  const given = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp(kind, { webhooks: { allowPrivate: true } });
    b = await seedBrand(t.core, 'fuzzy');
    admin = await login(t.app, b.emails.admin, b.password);
    agent = await login(t.app, b.emails.agent, b.password);
    // A webhook subscription first, so the messages below make deliveries (to a closed local port).
    const hook = await as(t.app, admin)('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['message.received'] });
    expect(hook.statusCode, hook.body).toBe(200);
    const hookId = hook.json<{ subscription: { id: string } }>().subscription.id;
    const d = apiDelivery(b.apiSecret, [
      { id: 'f1', author: 'fuzz-ana', text: 'My refund never arrived', sentAt: '2026-11-20T10:00:00Z' },
      { id: 'f2', author: 'fuzz-ben', text: 'App crashes on login', sentAt: '2026-11-20T11:00:00Z' },
      { id: 'f3', author: 'fuzz-cy', text: 'Where is my bag?', sentAt: '2026-11-20T12:00:00Z' },
    ]);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    expect(res.statusCode).toBe(200);
    await t.core.worker().drain();
    const convId = (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', 'f1').executeTakeFirstOrThrow()).conversation_id;
    for (const text of ['@Agent please look', '@Agent and this']) {
      expect((await as(t.app, admin)('POST', `/api/v1/conversations/${convId}/notes`, { text, mentions: [b.agentId] })).statusCode).toBe(200);
    }
    for (const title of ['Refunds take 5 days', 'Refunds to a card']) {
      expect((await as(t.app, admin)('POST', '/api/v1/kb/articles', { title, body: `All about ${title.toLowerCase()}.`, status: 'published' })).statusCode).toBe(200);
    }
    for (const title of ['Login outage', 'Refund delays']) expect((await as(t.app, admin)('POST', '/api/v1/incidents', { title })).statusCode).toBe(200);

    cursors.push(
      ...(['recent', 'waiting', 'priority', 'sla_due'] as const).map((sort) => ({ name: `conversations sort=${sort}`, url: (c: string) => `/api/v1/conversations?sort=${sort}&limit=1&cursor=${c}` })),
      { name: 'contacts search', url: (c) => `/api/v1/contacts?q=fuzz&limit=1&cursor=${c}` },
      { name: 'kb articles', url: (c) => `/api/v1/kb/articles?limit=1&cursor=${c}` },
      { name: 'kb search', url: (c) => `/api/v1/kb/articles?q=refunds&limit=1&cursor=${c}` },
      { name: 'incidents', url: (c) => `/api/v1/incidents?limit=1&cursor=${c}` },
      { name: 'mentions', url: (c) => `/api/v1/mentions?limit=1&cursor=${c}` },
      { name: 'webhook deliveries', url: (c) => `/api/v1/webhooks/${hookId}/deliveries?limit=1&cursor=${c}` },
    );
    for (const l of cursors) {
      const who = l.name === 'mentions' ? agent : admin;
      const first = await as(t.app, who)('GET', l.url('').replace(/&cursor=$/, ''));
      expect(first.statusCode, `${l.name}: ${first.body}`).toBe(200);
      const next = first.json<{ nextCursor: string | null }>().nextCursor;
      expect(next, `${l.name} gives out a cursor`).toEqual(expect.any(String));
      given.set(l.name, next ?? '');
      // The cursor it gave out works.
      expect((await as(t.app, who)('GET', l.url(encodeURIComponent(next ?? '')))).statusCode).toBe(200);
    }
  });
  afterAll(async () => { await t?.drop(); });

  it('answers every mutated page cursor of every list with 200 or a coded 400 on query.cursor', async () => {
    let tried = 0;
    for (const l of cursors) {
      const who = l.name === 'mentions' ? agent : admin;
      const good = given.get(l.name) ?? '';
      const decoded = JSON.parse(Buffer.from(good, 'base64url').toString('utf8')) as Json;
      const variants = [...mutateJson(decoded).map(encode), ...mutateText(good), encode('just a string'), encode([decoded]), 'not base64 at all!'];
      for (const v of variants) {
        const res = await as(t.app, who)('GET', l.url(encodeURIComponent(v)));
        tried++;
        const ctx = `${l.name}: cursor ${JSON.stringify(v.length > 120 ? `${v.slice(0, 120)}…` : v)} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect([200, 400], ctx).toContain(res.statusCode);
        if (res.statusCode === 400) expect(res.json<{ error: { code: string; field?: string } }>().error, ctx).toMatchObject({ code: 'EARSHOT_VALIDATION', field: expect.stringMatching(/^query(string)?\.cursor$/) });
      }
    }
    expect(tried).toBeGreaterThan(500);
  });

  it('answers mutated ids in paths with a coded 4xx (the same id in capitals is the same id)', async () => {
    const conv = (await as(t.app, admin)('GET', '/api/v1/conversations?limit=1')).json<{ items: { id: string }[] }>().items[0]?.id ?? '';
    expect((await as(t.app, admin)('GET', `/api/v1/conversations/${conv.toUpperCase()}`)).statusCode).toBe(200);
    const ids = [conv.slice(0, -1), `${conv}0`, conv.replace(/-/g, ''), conv.replace(/^./, 'g'), '00000000-0000-0000-0000-000000000000', `${conv.slice(0, 35)}%00`, '..%2F..%2Fetc', encodeURIComponent("' or 1=1 --")];
    for (const id of ids) {
      for (const path of [`/api/v1/conversations/${id}`, `/api/v1/kb/articles/${id}`, `/api/v1/incidents/${id}`, `/api/v1/webhooks/${id}/deliveries`]) {
        const res = await as(t.app, admin)('GET', path);
        const ctx = `${path} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode, ctx).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, ctx).toBeLessThan(500);
        expect(res.json<{ error: { code: string } }>().error.code, ctx).toMatch(/^EARSHOT_/);
      }
    }
  });

  it('answers a mutated webhook signature or session cookie with a coded 401 or 403, and stores nothing', async () => {
    const d = apiDelivery(b.apiSecret, [{ id: 'sig-1', text: 'forged?' }]);
    const hex = d.signature.slice('sha256='.length);
    const signatures = [
      '', 'sha256=', hex, `sha1=${hex}`, `SHA256=${hex}`, `sha256=${hex.slice(0, -1)}`, `sha256=${hex}0`, `sha256=${hex.toUpperCase()}`,
      `sha256=${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`, `sha256=${Buffer.from(hex, 'hex').toString('base64')}`, `sha256=${'0'.repeat(64)}`, `sha256=${hex},sha256=${hex}`, ` sha256=${hex}`,
    ];
    for (const sig of signatures) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': sig }, payload: d.body });
      const ctx = `signature ${JSON.stringify(sig)} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      // Either refused with a code, or (equivalent spellings of the right signature) accepted.
      if (res.statusCode !== 200) {
        expect(res.statusCode, ctx).toBe(401);
        expect(res.json<{ error: { code: string } }>().error.code, ctx).toBe('EARSHOT_SIGNATURE_INVALID');
      }
    }
    const stored = await t.core.db.selectFrom('inbound_events').select('id').where('provider_event_id', '=', 'evt-sig-1').execute();
    expect(stored.length).toBeLessThanOrEqual(1);

    const cookie = admin.cookie;
    const value = cookie.split(';')[0] ?? '';
    const [name, token = ''] = value.split('=');
    const cookies = [`${name}=`, `${name}=${token.slice(0, -1)}`, `${name}=${token}x`, `${name}=${token.toUpperCase()}`, `${name}=${token.split('').reverse().join('')}`, `${name}=${'A'.repeat(token.length)}`, `${name}=${encodeURIComponent("' or 1=1")}`];
    for (const c of cookies) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/conversations', headers: { cookie: c } });
      const ctx = `cookie ${JSON.stringify(c)} → ${res.statusCode} ${res.body.slice(0, 200)}`;
      expect(res.statusCode, ctx).toBe(401);
      expect(res.json<{ error: { code: string } }>().error.code, ctx).toMatch(/^EARSHOT_(UNAUTHENTICATED|SESSION_EXPIRED)$/);
    }
  });
});
