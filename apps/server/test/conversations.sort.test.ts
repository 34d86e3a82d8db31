import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

const POLICY = {
  id: 'sort-test', name: 'Sort test',
  targets: {
    low: { first_response: 240 }, normal: { first_response: 60, next_response: 120, resolution: 600 },
    high: { first_response: 30, next_response: 60, resolution: 300 }, urgent: { first_response: 15, next_response: 30, resolution: 120 },
  },
  warningAt: 0.75,
  escalations: [],
};

interface Item { id: string; preview: string; sla: { state: string | null; firstResponseDueAt: string | null; nextResponseDueAt: string | null; resolutionDueAt: string | null } }
interface Page { items: Item[]; nextCursor: string | null }

describeEachDb('GET /api/v1/conversations?sort=sla_due', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let agent: Session;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'slasort');
    const admin = await login(t.app, b.emails.admin, b.password);
    agent = await login(t.app, b.emails.agent, b.password);
    expect((await as(t.app, admin)('PUT', '/api/v1/sla/policy', { policy: POLICY })).statusCode).toBe(200);
    const ago = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const d = apiDelivery(b.apiSecret, [
      { id: 'first', author: 'ana', text: 'Hello, a question about my order', sentAt: ago(3) },
      { id: 'second', author: 'ben', text: 'Hello, a question about my invoice', sentAt: ago(2) },
      { id: 'third', author: 'cem', text: 'Hello, a question about my account', sentAt: ago(1) },
    ]);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    expect(res.statusCode).toBe(200);
    await t.core.worker().drain();
    for (const m of ['first', 'second', 'third']) {
      ids[m] = (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', m).executeTakeFirstOrThrow()).conversation_id;
    }
    const call = as(t.app, agent);
    // The newest becomes urgent (first response due in 15 min: the earliest deadline); the oldest
    // waits on the customer (pending: its clocks pause, so it has no running deadline).
    expect((await call('POST', `/api/v1/conversations/${ids.third}/priority`, { priority: 'urgent' })).statusCode).toBe(200);
    expect((await call('POST', `/api/v1/conversations/${ids.first}/status`, { status: 'pending' })).statusCode).toBe(200);
    await t.core.worker().drain();
  });
  afterAll(async () => { await t?.drop(); });

  it('orders by the next deadline the SLA service stored, conversations without one last', async () => {
    const res = await as(t.app, agent)('GET', '/api/v1/conversations?sort=sla_due&status=open,pending');
    expect(res.statusCode).toBe(200);
    const page = res.json<Page>();
    expect(page.items.map((i) => i.id)).toEqual([ids.third, ids.second, ids.first]);
    const [urgent, normal, paused] = page.items;
    expect(Date.parse(urgent?.sla.firstResponseDueAt ?? '')).toBeLessThan(Date.parse(normal?.sla.firstResponseDueAt ?? ''));
    expect(paused?.sla.state).toBe('paused');
    expect([paused?.sla.firstResponseDueAt, paused?.sla.nextResponseDueAt, paused?.sla.resolutionDueAt]).toEqual([null, null, null]);
  });

  it('pages with the cursor it hands out, one conversation at a time', async () => {
    const seen: string[] = [];
    let url = '/api/v1/conversations?sort=sla_due&limit=1';
    for (let i = 0; i < 5; i++) {
      const page = (await as(t.app, agent)('GET', url)).json<Page>();
      seen.push(...page.items.map((x) => x.id));
      if (!page.nextCursor) break;
      url = `/api/v1/conversations?sort=sla_due&limit=1&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual([ids.third, ids.second, ids.first]);
  });

  it('refuses an unknown sort with a 400 and the field', async () => {
    const res = await as(t.app, agent)('GET', '/api/v1/conversations?sort=deadline');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string; field?: string } }>().error).toMatchObject({ code: 'EARSHOT_VALIDATION', field: expect.stringMatching(/sort/) });
  });
});
