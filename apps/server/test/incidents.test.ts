import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

describeEachDb('incidents', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let agent: Session;
  const conv: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'inci');
    agent = await login(t.app, b.emails.agent, b.password);
    const d = apiDelivery(b.apiSecret, [
      { id: 'i-1', author: 'ann', text: 'App will not load' },
      { id: 'i-2', author: 'bob', text: 'Login broken for me too' },
      { id: 'i-3', author: 'cid', text: 'Love the new colours' },
    ]);
    await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    await t.core.worker().drain();
    for (const [h, pid] of [['ann', 'i-1'], ['bob', 'i-2'], ['cid', 'i-3']] as const) {
      conv[h] = (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', pid).executeTakeFirstOrThrow()).conversation_id;
    }
  });
  afterAll(async () => { await t?.drop(); });

  it('filters the inbox by incident, across statuses, with cursor pages', async () => {
    const incident = await t.core.db.insertInto('incidents').values({ brand_id: b.brandId, title: 'Login outage' }).returning('id').executeTakeFirstOrThrow();
    await t.core.db.insertInto('conversation_incidents').values([conv.ann, conv.bob].map((id) => ({ brand_id: b.brandId, conversation_id: id ?? '', incident_id: incident.id }))).execute();
    await t.core.db.updateTable('conversations').set({ status: 'resolved' }).where('id', '=', conv.bob ?? '').execute();
    const list = (q: string) => as(t.app, agent)('GET', `/api/v1/conversations?incidentId=${incident.id}${q}`).then((r) => r.json<{ items: { id: string }[]; nextCursor: string | null }>());
    expect((await list('')).items.map((c) => c.id)).toEqual([conv.ann]); // open and pending by default
    const all = await list('&status=open,pending,snoozed,resolved');
    expect(all.items.map((c) => c.id).sort()).toEqual([conv.ann, conv.bob].sort());
    const p1 = await list('&status=open,pending,snoozed,resolved&limit=1');
    const p2 = await list(`&status=open,pending,snoozed,resolved&limit=1&cursor=${p1.nextCursor ?? ''}`);
    expect([...p1.items, ...p2.items].map((c) => c.id)).toEqual(all.items.map((c) => c.id));
    expect((await as(t.app, agent)('GET', '/api/v1/conversations?incidentId=nope')).json()).toMatchObject({ error: { code: 'EARSHOT_VALIDATION' } });
  });
});
