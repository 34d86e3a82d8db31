import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor, type Actor, type MessageClassifier } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type ApiMessageInput, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

const classifier: MessageClassifier = {
  classify: ({ text }) => ({
    labels: { sentiment: { value: /broken|refund|late/.test(text) ? 'negative' : 'neutral', confidence: 0.8, reasons: [] }, topic: { value: /refund/.test(text) ? 'billing' : null, confidence: 0.6, reasons: [] } },
    needsResponse: true,
  }),
};

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

/**
 * The analytics API as a supervisor meets it: numbers from the rollups in the brand's time zone
 * (Europe/Berlin in the seed), coded 4xx for bad ranges and filters, another brand's data never
 * counted, and the export streamed as valid CSV / JSON lines with the same filters.
 */
describeEachDb('analytics over HTTP', (kind) => {
  let t: TestApp;
  let a: SeededBrand;
  let other: SeededBrand;
  let sup: Session;
  let otherAdmin: Session;
  let agent: Actor;

  async function deliver(b: SeededBrand, events: ApiMessageInput[]) {
    const d = apiDelivery(b.apiSecret, events);
    await t.core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
  }
  const conversationOf = async (pid: string) => (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', pid).executeTakeFirstOrThrow()).conversation_id;

  beforeAll(async () => {
    t = await createTestApp(kind, { classifier });
    a = await seedBrand(t.core, 'stats');
    other = await seedBrand(t.core, 'stats-other');
    sup = await login(t.app, a.emails.admin, a.password);
    otherAdmin = await login(t.app, other.emails.admin, other.password);
    agent = { ...systemActor(a.brandId), type: 'user', id: a.agentId, userId: a.agentId, role: 'agent' };
    // 2026-03-02 22:30 UTC is 23:30 in Berlin (same day); 23:30 UTC is already 03-03 there.
    await deliver(a, [
      { id: 'a1', author: 'ann', text: 'my refund, is it late? "quoted", and a comma', sentAt: '2026-03-02T22:30:00Z' },
      { id: 'b1', author: 'bob', text: '=cmd| the app is broken', sentAt: '2026-03-02T23:30:00Z' },
      { id: 'c1', author: 'cid', text: 'DM: where is my order', visibility: 'private', threadKey: 'dm:cid', sentAt: '2026-03-03T08:00:00Z' },
    ]);
    await deliver(other, [{ id: 'o1', author: 'ann', text: 'refund refund refund', sentAt: '2026-03-02T22:30:00Z' }]);
    const w = t.core.worker();
    await w.drain();
    const ann = await conversationOf('a1');
    await t.core.conversations.assign(agent, ann, a.agentId);
    await t.core.conversations.reply(agent, ann, { text: 'Sorry Ann, on it', visibility: 'public' });
    await t.core.conversations.setStatus(agent, ann, 'resolved');
    await w.drain();
    await t.core.analytics.catchUp(a.brandId);
    await t.core.analytics.catchUp(other.brandId);
  });
  afterAll(async () => { await t?.drop(); });

  const get = (s: Session, url: string) => as(t.app, s)('GET', url);
  const RANGE = 'from=2026-03-01&to=2026-03-05';

  it('gives totals over a brand-local range, with first response and resolution', async () => {
    const res = await get(sup, `/api/v1/analytics/overview?${RANGE}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ range: { timeZone: string; from: string }; totals: { conversations: number; inbound: number; replies: number; sentiment: { negative: number }; resolution: { resolved: number }; firstResponse: { n: number; p50: number | null } } }>();
    expect(body.range).toMatchObject({ timeZone: 'Europe/Berlin', from: '2026-02-28T23:00:00.000Z' });
    expect(body.totals).toMatchObject({ conversations: 3, inbound: 3, replies: 1, sentiment: { negative: 2 }, resolution: { resolved: 0 }, firstResponse: { n: 1 } });
    expect(body.totals.firstResponse.p50).toBeGreaterThan(0);
    // Resolution counts at the hour of resolving (now, in this test), volume at the hour of opening.
    const sinceMarch = (await get(sup, '/api/v1/analytics/overview?from=2026-03-01')).json<{ totals: { conversations: number; resolution: { resolved: number; p50: number | null } } }>();
    expect(sinceMarch.totals).toMatchObject({ conversations: 3, resolution: { resolved: 1 } });
    expect(sinceMarch.totals.resolution.p50).toBeGreaterThan(86_400);
  });

  it('puts points in days of the brand\'s time zone, and one filter narrows them', async () => {
    const res = await get(sup, `/api/v1/analytics/timeseries?${RANGE}&interval=day`);
    expect(res.statusCode, res.body).toBe(200);
    const points = res.json<{ points: { bucket: string; conversations: number }[] }>().points.map((p) => [p.bucket, p.conversations]);
    expect(points).toEqual([['2026-03-02T00:00:00', 1], ['2026-03-03T00:00:00', 2]]);
    const priv = await get(sup, `/api/v1/analytics/timeseries?${RANGE}&interval=day&visibility=private`);
    expect(priv.json<{ points: { bucket: string; conversations: number }[] }>().points.map((p) => [p.bucket, p.conversations])).toEqual([['2026-03-03T00:00:00', 1]]);
  });

  it('breaks down by agent and compares channels and public with private', async () => {
    const agents = await get(sup, '/api/v1/analytics/breakdown?from=2026-03-01&by=agent');
    expect(agents.statusCode, agents.body).toBe(200);
    const rows = agents.json<{ rows: { key: string; conversations: number; resolution: { resolved: number } }[] }>().rows;
    expect(rows.find((r) => r.key === a.agentId)).toMatchObject({ conversations: 1, resolution: { resolved: 1 } });
    const fair = await get(sup, `/api/v1/analytics/fairness?${RANGE}`);
    expect(fair.statusCode, fair.body).toBe(200);
    const f = fair.json<{ byGroup: { key: string; conversations: number }[]; byVisibility: { key: string; conversations: number }[]; byChannelKind: { key: string }[] }>();
    expect(f.byGroup).toMatchObject([{ key: 'social', conversations: 0 }, { key: 'direct', conversations: 3 }]);
    expect(f.byVisibility).toMatchObject([{ key: 'public', conversations: 2 }, { key: 'private', conversations: 1 }]);
    const topics = await get(sup, `/api/v1/analytics/topics?${RANGE}`);
    expect(topics.json<{ rows: { topic: string; conversations: number }[] }>().rows).toMatchObject([{ topic: 'billing', conversations: 1 }]);
    const words = await get(sup, `/api/v1/analytics/negative-words?${RANGE}`);
    const terms = words.json<{ rows: { term: string; conversations: number }[] }>().rows.map((r) => r.term);
    expect(terms).toEqual(expect.arrayContaining(['refund', 'late', 'broken', 'app']));
    expect(terms).not.toContain('the');
    const backlog = await get(sup, '/api/v1/analytics/backlog');
    expect(backlog.statusCode, backlog.body).toBe(200);
    expect(backlog.json<{ rows: { status: string; n: number }[] }>().rows).toMatchObject([{ status: 'open', n: 2 }]);
  });

  it('counts nothing of another brand', async () => {
    const mine = (await get(otherAdmin, `/api/v1/analytics/overview?${RANGE}`)).json<{ totals: { conversations: number } }>();
    expect(mine.totals.conversations).toBe(1);
    const words = (await get(otherAdmin, `/api/v1/analytics/negative-words?${RANGE}`)).json<{ rows: { term: string }[] }>().rows.map((r) => r.term);
    expect(words).toEqual(['refund']);
    const csv = (await get(otherAdmin, `/api/v1/analytics/export?${RANGE}&kind=messages`)).body;
    expect(csv).not.toContain('broken');
  });

  it('answers bad ranges and filters with a coded 400', async () => {
    const cases: [string, string][] = [
      ['/api/v1/analytics/overview?from=2026-03-05&to=2026-03-01', 'EARSHOT_ANALYTICS_RANGE'],
      ['/api/v1/analytics/overview?from=2020-01-01&to=2026-03-01', 'EARSHOT_ANALYTICS_RANGE'],
      ['/api/v1/analytics/overview?from=yesterday', 'EARSHOT_ANALYTICS_RANGE'],
      ['/api/v1/analytics/overview?from=2026-02-31', 'EARSHOT_ANALYTICS_RANGE'],
      ['/api/v1/analytics/timeseries?from=2026-01-01&to=2026-03-01&interval=hour', 'EARSHOT_ANALYTICS_RANGE'],
      ['/api/v1/analytics/overview?colour=red', 'EARSHOT_VALIDATION'],
      ['/api/v1/analytics/overview?teamId=not-a-uuid', 'EARSHOT_VALIDATION'],
      ['/api/v1/analytics/overview?tag=vip&visibility=public', 'EARSHOT_VALIDATION'],
      ['/api/v1/analytics/breakdown?by=weather', 'EARSHOT_VALIDATION'],
      ['/api/v1/analytics/export?format=xlsx', 'EARSHOT_VALIDATION'],
    ];
    for (const [url, code] of cases) {
      const res = await get(sup, url);
      expect([res.statusCode, res.json<{ error: { code: string } }>().error.code], url).toEqual([400, code]);
    }
    expect((await as(t.app, null)('GET', '/api/v1/analytics/overview')).statusCode).toBe(401);
  });

  it('streams conversations and messages as valid CSV and JSON lines, every filter applied', async () => {
    const res = await get(sup, `/api/v1/analytics/export?${RANGE}&kind=messages&format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const rows = parse(res.body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.text)).toEqual(expect.arrayContaining(['my refund, is it late? "quoted", and a comma', "'=cmd| the app is broken"]));
    const conv = await get(sup, `/api/v1/analytics/export?${RANGE}&format=jsonl&visibility=public&sentiment=negative`);
    const lines = conv.body.trim().split('\n').map((l) => JSON.parse(l) as { id: string; is_public: boolean; sentiment: string });
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.is_public && l.sentiment === 'negative')).toBe(true);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    for (const p of ['overview', 'timeseries', 'breakdown', 'fairness', 'topics', 'negative-words', 'backlog', 'export']) expect(doc.paths).toHaveProperty(`/api/v1/analytics/${p}`);
  });
});
