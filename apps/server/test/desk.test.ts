import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';
import type { DeskEvent } from '@earshot/core';

describeEachDb('desk support: presence, canned responses, repeated replies', (kind) => {
  let t: TestApp;
  let a: SeededBrand;
  let admin: Session;
  let agent: Session;
  let agency: Session;
  let conversationId: string;

  beforeAll(async () => {
    t = await createTestApp(kind);
    a = await seedBrand(t.core, 'desk');
    const d = apiDelivery(a.apiSecret, [{ id: 'd-1', author: 'dora', text: 'my order never arrived' }]);
    await t.app.inject({ method: 'POST', url: `/api/v1/channels/${a.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    await t.core.worker().drain();
    conversationId = (await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', a.brandId).executeTakeFirstOrThrow()).id;
    admin = await login(t.app, a.emails.admin, a.password);
    agent = await login(t.app, a.emails.agent, a.password);
    agency = await login(t.app, a.emails.agency, a.password);
  });
  afterAll(async () => { await t?.drop(); });

  it('shows who else is viewing and typing, live on the bus, and forgets who left', async () => {
    const heard: DeskEvent[] = [];
    const off = t.core.bus.subscribe((e) => { if (e.type === 'presence.updated') heard.push(e); });
    const url = `/api/v1/conversations/${conversationId}/presence`;
    expect((await as(t.app, agent)('POST', url, { state: 'viewing' })).statusCode).toBe(200);
    const res = await as(t.app, admin)('POST', url, { state: 'typing' });
    expect(res.json<{ items: { name: string; state: string }[] }>().items.map((p) => [p.name, p.state])).toEqual([['Admin desk', 'typing'], ['Agent desk', 'viewing']]);
    expect(heard.map((e) => [e.conversationId, e.userId, e.data])).toEqual([
      [conversationId, a.agentId, { name: 'Agent desk', state: 'viewing' }],
      [conversationId, a.adminId, { name: 'Admin desk', state: 'typing' }],
    ]);
    await as(t.app, agent)('POST', url, { state: 'left' });
    expect((await as(t.app, admin)('GET', url)).json<{ items: { name: string }[] }>().items.map((p) => p.name)).toEqual(['Admin desk']);
    off();
  });

  it('refuses presence on a conversation that does not exist', async () => {
    const res = await as(t.app, agent)('POST', '/api/v1/conversations/00000000-0000-4000-8000-000000000000/presence', { state: 'viewing' });
    expect(res.statusCode).toBe(404);
  });

  it('lets admins curate canned responses that agents can read but not change', async () => {
    const created = await as(t.app, admin)('POST', '/api/v1/canned-responses', { title: 'Delay apology', shortcut: 'delay', text: 'Hi {{contact.first_name}}, so sorry for the wait. {{agent.name}}' });
    expect(created.statusCode).toBe(200);
    const id = created.json<{ id: string }>().id;
    expect((await as(t.app, admin)('POST', '/api/v1/canned-responses', { title: 'Delay apology', text: 'dup' })).json()).toMatchObject({ error: { code: 'EARSHOT_CONFLICT', field: 'body.title' } });
    expect((await as(t.app, agent)('PATCH', `/api/v1/canned-responses/${id}`, { text: 'nope' })).statusCode).toBe(403);
    const edited = await as(t.app, admin)('PATCH', `/api/v1/canned-responses/${id}`, { text: 'Hi {{contact.first_name}}, sorry! {{agent.name}}' });
    expect(edited.json()).toMatchObject({ title: 'Delay apology', shortcut: 'delay', text: 'Hi {{contact.first_name}}, sorry! {{agent.name}}' });
    expect((await as(t.app, agent)('GET', '/api/v1/canned-responses')).json<{ items: { title: string }[] }>().items.map((c) => c.title)).toEqual(['Delay apology']);
    expect((await as(t.app, admin)('DELETE', `/api/v1/canned-responses/${id}`)).statusCode).toBe(200);
    expect((await as(t.app, agent)('GET', '/api/v1/canned-responses')).json<{ items: unknown[] }>().items).toEqual([]);
    const audit = await t.core.db.selectFrom('audit_events').select('action').where('brand_id', '=', a.brandId).where('subject_type', '=', 'canned_response').orderBy('seq').execute();
    expect(audit.map((e) => e.action)).toEqual(['canned_response.created', 'canned_response.updated', 'canned_response.deleted']);
  });

  it('counts earlier public replies with the same text, ignoring case and spacing, but not private ones', async () => {
    const line = 'Sorry to hear that, please DM us your order number.';
    const repeats = async (text: string) => (await as(t.app, agent)('GET', `/api/v1/replies/repeats?text=${encodeURIComponent(text)}`)).json<{ count: number; lastSentAt: string | null }>();
    expect((await repeats(line)).count).toBe(0);
    for (const text of [line, `  ${line.toUpperCase()} `]) await as(t.app, agent)('POST', `/api/v1/conversations/${conversationId}/replies`, { text, visibility: 'public' });
    await as(t.app, agent)('POST', `/api/v1/conversations/${conversationId}/replies`, { text: line, visibility: 'private' });
    // An agency draft awaiting approval is still a public reply the brand is about to repeat.
    await as(t.app, agency)('POST', `/api/v1/conversations/${conversationId}/replies`, { text: line, visibility: 'public' });
    const r = await repeats(line.replace(/ /g, '  '));
    expect(r.count).toBe(3);
    expect(r.lastSentAt).not.toBeNull();
    expect((await repeats('something else entirely')).count).toBe(0);
  });
});
