import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { describeEachDb } from '../../../test/support/db';
import { seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

// Web chat widget, web form and phone through the real HTTP app.
describeEachDb('web chat, web form and phone', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let agent: Session;
  const ids = { webchat: '', webform: '', phone: '' };

  const drain = () => t.core.worker().drain();
  const post = (url: string, payload: unknown, token?: string) =>
    t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...(token ? { 'x-earshot-visitor': token } : {}) }, payload: JSON.stringify(payload) });
  const get = (url: string, token?: string) => t.app.inject({ method: 'GET', url, headers: token ? { 'x-earshot-visitor': token } : {} });

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'sitebrand');
    const admin = await login(t.app, b.emails.admin, b.password);
    agent = await login(t.app, b.emails.agent, b.password);
    for (const k of ['webchat', 'webform', 'phone'] as const) {
      ids[k] = (await as(t.app, admin)('POST', '/api/v1/channels', { kind: k, name: k })).json<{ channel: { id: string } }>().channel.id;
    }
  });
  afterAll(async () => { await t?.drop(); });

  it('serves the widget as a plain script that any site may load', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/widget.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/javascript');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.body).toContain('data-channel');
    expect(res.body).not.toMatch(/innerHTML|eval\(|new Function/);
  });

  let token = '';
  let convId = '';
  it('gives an anonymous visitor a conversation; an agent\'s reply comes back to the widget, notes never do', async () => {
    const session = await post(`/api/v1/site/${ids.webchat}/chat/sessions`, {});
    expect(session.statusCode).toBe(200);
    expect(session.headers['access-control-allow-origin']).toBe('*');
    // The browser's preflight for the JSON POST from the brand's site.
    const preflight = await t.app.inject({ method: 'OPTIONS', url: `/api/v1/site/${ids.webchat}/chat/messages`, headers: { origin: 'https://brand.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-earshot-visitor' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('x-earshot-visitor');
    token = session.json<{ token: string }>().token;
    const sent = await post(`/api/v1/site/${ids.webchat}/chat/messages`, { clientMessageId: 'client-0001', text: 'Hi, is my flight EA12 on time?' }, token);
    expect(sent.json()).toEqual({ accepted: true });
    expect((await post(`/api/v1/site/${ids.webchat}/chat/messages`, { clientMessageId: 'client-0001', text: 'Hi, is my flight EA12 on time?' }, token)).json()).toEqual({ accepted: false });
    await post(`/api/v1/site/${ids.webchat}/chat/messages`, { clientMessageId: 'client-0002', text: 'Departing tomorrow morning' }, token);
    await drain();
    const convs = await t.core.db.selectFrom('conversations').select('id').where('channel_id', '=', ids.webchat).execute();
    expect(convs).toHaveLength(1);
    convId = convs[0]?.id ?? '';

    await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/notes`, { text: 'internal: check the ops board' });
    await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/replies`, { text: 'Yes, EA12 is on time. <b>Gate B4</b>', visibility: 'private' });
    await drain();
    const seen = await get(`/api/v1/site/${ids.webchat}/chat/messages`, token);
    const items = seen.json<{ items: { from: string; text: string; agentName: string | null }[] }>().items;
    expect(items.map((i) => [i.from, i.text])).toEqual([
      ['visitor', 'Hi, is my flight EA12 on time?'],
      ['visitor', 'Departing tomorrow morning'],
      ['agent', 'Yes, EA12 is on time. <b>Gate B4</b>'],
    ]);
    expect(items[2]?.agentName).toBe('Agent sitebrand');
    const after = seen.json<{ items: { sentAt: string }[] }>().items[1]?.sentAt;
    const newer = (await get(`/api/v1/site/${ids.webchat}/chat/messages?after=${encodeURIComponent(after ?? '')}`, token)).json<{ items: { text: string }[] }>().items;
    expect(newer.map((i) => i.text)).toEqual(['Yes, EA12 is on time. <b>Gate B4</b>']);
  });

  it('refuses a missing, forged or other-channel visitor token, and unknown channels look the same as wrong kinds', async () => {
    expect((await get(`/api/v1/site/${ids.webchat}/chat/messages`)).statusCode).toBe(401);
    const [visitorId] = token.split('.');
    expect((await get(`/api/v1/site/${ids.webchat}/chat/messages`, `${visitorId}.forged`)).statusCode).toBe(401);
    expect((await post(`/api/v1/site/${ids.webform}/chat/sessions`, {})).statusCode).toBe(404);
    expect((await post('/api/v1/site/00000000-0000-4000-8000-000000000000/chat/sessions', {})).statusCode).toBe(404);
    expect((await post(`/api/v1/site/${ids.webchat}/chat/messages`, { clientMessageId: 'x', text: '' }, token)).statusCode).toBe(400);
  });

  it('identifies the visitor later by email', async () => {
    const res = await post(`/api/v1/site/${ids.webchat}/chat/identify`, { email: 'Pat@Example.org', name: 'Pat' }, token);
    expect(res.json()).toEqual({ identified: true });
    const conv = await t.core.db.selectFrom('conversations').select('contact_id').where('id', '=', convId).executeTakeFirstOrThrow();
    expect(await t.core.db.selectFrom('contacts').select(['email', 'name']).where('id', '=', conv.contact_id).executeTakeFirstOrThrow()).toEqual({ email: 'pat@example.org', name: 'Pat' });
  });

  it('turns a web form submission into a conversation with its subject', async () => {
    const res = await post(`/api/v1/site/${ids.webform}/forms`, { name: 'Robin', email: 'robin@example.org', subject: 'Refund for cancelled flight', message: 'Flight EA77 was cancelled; I would like a refund.' });
    expect(res.json()).toEqual({ accepted: true });
    expect((await post(`/api/v1/site/${ids.webform}/forms`, { name: 'Robin', email: 'not-an-email', subject: 's', message: 'm' })).statusCode).toBe(400);
    await drain();
    const conv = await t.core.db.selectFrom('conversations').select(['subject', 'preview']).where('channel_id', '=', ids.webform).execute();
    expect(conv).toEqual([{ subject: 'Refund for cancelled flight', preview: expect.stringContaining('cancelled') }]);
  });

  it('turns a public call-back request into a flagged conversation for an agent', async () => {
    const res = await post(`/api/v1/site/${ids.phone}/callbacks`, { name: 'Sam', phone: '+44 20 7946 0000', reason: 'My baggage claim is stuck', preferredTime: 'after 5pm' });
    expect(res.json()).toEqual({ accepted: true });
    await drain();
    const conv = await t.core.db.selectFrom('conversations').select(['id', 'status', 'tags']).where('channel_id', '=', ids.phone).executeTakeFirstOrThrow();
    expect(conv).toMatchObject({ status: 'open', tags: ['call-back'] });
    const list = (await as(t.app, agent)('GET', `/api/v1/conversations/${conv.id}`)).json<{ messages: { text: string }[] }>();
    expect(list.messages.map((m) => m.text)).toEqual([expect.stringContaining('+442079460000'), expect.stringContaining('Follow-up call due')]);
  });

  it('logs a call on a conversation and brings the follow-up call task back when it is due', async () => {
    await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/status`, { status: 'resolved' });
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/calls`, { direction: 'outbound', durationSeconds: 240, summary: 'Called Pat, rebooked on EA14', followUpAt: new Date(Date.now() + 3 * 86_400_000).toISOString() });
    expect(res.statusCode).toBe(200);
    await drain();
    expect((await t.core.db.selectFrom('conversations').select('status').where('id', '=', convId).executeTakeFirstOrThrow()).status).toBe('resolved');
    // Three days later:
    await sql`update jobs set run_at = now() where name = 'call.follow_up' and state = 'queued'`.execute(t.core.db);
    await drain();
    const conv = await t.core.db.selectFrom('conversations').select(['status', 'tags']).where('id', '=', convId).executeTakeFirstOrThrow();
    expect(conv).toEqual({ status: 'open', tags: ['call-back'] });
    // The call log is for the desk only: the visitor never sees it.
    const visitorView = (await get(`/api/v1/site/${ids.webchat}/chat/messages`, token)).json<{ items: { text: string }[] }>().items;
    expect(visitorView.some((i) => i.text.includes('Called Pat'))).toBe(false);
  });

  it('rate-limits the public endpoints', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await post(`/api/v1/site/${ids.webchat}/chat/sessions`, {})).statusCode);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
  });
});
