import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

describeEachDb('REST API', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let agent: Session;
  let convId = '';

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'acme');
    agent = await login(t.app, b.emails.agent, b.password);
    const d = apiDelivery(b.apiSecret, [
      { id: 'm1', author: 'zoe', text: 'My refund never arrived', sentAt: '2026-11-20T10:00:00Z' },
      { id: 'm2', author: 'yan', text: 'Great service today', sentAt: '2026-11-20T11:00:00Z' },
      { id: 'm3', author: 'xia', text: 'App crashes on login', sentAt: '2026-11-20T12:00:00Z' },
    ]);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    expect(res.statusCode).toBe(200);
    await t.core.worker().drain();
    convId = (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', 'm1').executeTakeFirstOrThrow()).conversation_id;
  });
  afterAll(async () => { await t?.drop(); });

  it('lists the inbox newest first with cursor pagination that visits every conversation once', async () => {
    const first = await as(t.app, agent)('GET', '/api/v1/conversations?limit=2');
    expect(first.statusCode).toBe(200);
    const p1 = first.json<{ items: { preview: string }[]; nextCursor: string }>();
    expect(p1.items.map((i) => i.preview)).toEqual(['App crashes on login', 'Great service today']);
    const p2 = (await as(t.app, agent)('GET', `/api/v1/conversations?limit=2&cursor=${p1.nextCursor}`)).json<{ items: { preview: string }[]; nextCursor: string | null }>();
    expect(p2.items.map((i) => i.preview)).toEqual(['My refund never arrived']);
    expect(p2.nextCursor).toBeNull();
  });

  it('searches message text', async () => {
    const res = (await as(t.app, agent)('GET', '/api/v1/conversations?q=refund')).json<{ items: { id: string }[] }>();
    expect(res.items.map((i) => i.id)).toEqual([convId]);
  });

  it('refuses a public reply with personal data unless the agent confirms it, and audits the override', async () => {
    const call = as(t.app, agent);
    const card = 'Your card 4111 1111 1111 1111 is refunded';
    const conv = (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', 'm3').executeTakeFirstOrThrow()).conversation_id;
    const count = async () => (await t.core.db.selectFrom('messages').select('id').where('conversation_id', '=', conv).where('direction', '=', 'outbound').execute()).length;
    const refused = await call('POST', `/api/v1/conversations/${conv}/replies`, { text: card, visibility: 'public' });
    expect(refused.statusCode).toBe(422);
    const body = refused.json<{ error: { code: string; field: string; details: { findings: { kind: string; index: number; length: number }[] } } }>();
    expect(body.error).toMatchObject({ code: 'EARSHOT_PERSONAL_DATA', field: 'body.text', details: { findings: [{ kind: 'card', index: 10, length: 19 }] } });
    expect(refused.body).not.toContain('4111'); // where, not what
    expect(await count()).toBe(0);
    // Privately it is fine; publicly only with the explicit override, which the audit trail keeps.
    expect((await call('POST', `/api/v1/conversations/${conv}/replies`, { text: card, visibility: 'private' })).statusCode).toBe(200);
    const forced = await call('POST', `/api/v1/conversations/${conv}/replies`, { text: card, visibility: 'public', allowPersonalData: true });
    expect(forced.statusCode).toBe(200);
    const id = forced.json<{ id: string }>().id;
    const audit = await t.core.db.selectFrom('audit_events').select(['action', 'after']).where('subject_id', '=', id).execute();
    expect(audit).toEqual([{ action: 'message.sent', after: expect.objectContaining({ visibility: 'public', personalDataOverride: ['card'] }) }]);
    expect(await count()).toBe(2);
    // A clean public reply needs no override, and an override on one records nothing extra.
    const clean = await call('POST', `/api/v1/conversations/${conv}/replies`, { text: 'Sorry about the crash, a fix ships today.', visibility: 'public', allowPersonalData: true });
    expect((await t.core.db.selectFrom('audit_events').select('after').where('subject_id', '=', clean.json<{ id: string }>().id).executeTakeFirstOrThrow()).after).not.toHaveProperty('personalDataOverride');
  });

  it('assigns, sets priority, tags, adds a note and replies; reply sets first_reply_at and is delivered', async () => {
    const call = as(t.app, agent);
    expect((await call('POST', `/api/v1/conversations/${convId}/assign`, { assigneeId: b.agentId })).json()).toMatchObject({ assigneeId: b.agentId });
    expect((await call('POST', `/api/v1/conversations/${convId}/priority`, { priority: 'high' })).json()).toMatchObject({ priority: 'high' });
    expect((await call('POST', `/api/v1/conversations/${convId}/tags`, { tags: ['Refund', 'refund', 'billing'] })).json()).toMatchObject({ tags: ['billing', 'refund'] });
    expect((await call('POST', `/api/v1/conversations/${convId}/notes`, { text: 'checking with billing' })).json()).toMatchObject({ kind: 'note', visibility: 'private' });
    const reply = await call('POST', `/api/v1/conversations/${convId}/replies`, { text: 'Sorry Zoe, refund sent today.', visibility: 'public', idempotencyKey: 'reply-0001' });
    expect(reply.json()).toMatchObject({ direction: 'outbound', deliveryStatus: 'queued', author: { type: 'user', name: 'Agent acme' } });
    const again = await call('POST', `/api/v1/conversations/${convId}/replies`, { text: 'Sorry Zoe, refund sent today.', visibility: 'public', idempotencyKey: 'reply-0001' });
    expect(again.json<{ id: string }>().id).toBe(reply.json<{ id: string }>().id);
    await t.core.worker().drain();
    const detail = (await call('GET', `/api/v1/conversations/${convId}`)).json<{ conversation: { firstReplyAt: string | null; waitingSince: string | null }; messages: { text: string; deliveryStatus: string | null }[] }>();
    expect(detail.conversation.firstReplyAt).not.toBeNull();
    expect(detail.conversation.waitingSince).toBeNull();
    expect(detail.messages.filter((m) => m.text === 'Sorry Zoe, refund sent today.')).toEqual([expect.objectContaining({ deliveryStatus: 'sent' })]);
  });

  it('holds an agency agent\'s public reply for approval by a brand agent', async () => {
    const agency = await login(t.app, b.emails.agency, b.password);
    const draft = (await as(t.app, agency)('POST', `/api/v1/conversations/${convId}/replies`, { text: 'Hi from the agency', visibility: 'public' })).json<{ id: string; deliveryStatus: string }>();
    expect(draft.deliveryStatus).toBe('awaiting_approval');
    expect((await as(t.app, agency)('POST', `/api/v1/conversations/${convId}/messages/${draft.id}/approve`)).statusCode).toBe(403);
    const ok = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/messages/${draft.id}/approve`);
    expect(ok.json()).toMatchObject({ deliveryStatus: 'queued' });
  });

  it('lets a viewer read but not reply', async () => {
    const viewer = await login(t.app, b.emails.viewer, b.password);
    expect((await as(t.app, viewer)('GET', `/api/v1/conversations/${convId}`)).statusCode).toBe(200);
    const res = await as(t.app, viewer)('POST', `/api/v1/conversations/${convId}/replies`, { text: 'x', visibility: 'public' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: { code: 'EARSHOT_FORBIDDEN' } });
  });

  it('merges contacts: identities and conversations move to the survivor', async () => {
    const ids = await t.core.db.selectFrom('conversations').select(['contact_id']).where('brand_id', '=', b.brandId).execute();
    const [target, source] = [ids[0]?.contact_id ?? '', ids[1]?.contact_id ?? ''];
    const res = await as(t.app, agent)('POST', `/api/v1/contacts/${target}/merge`, { sourceId: source });
    expect(res.statusCode).toBe(200);
    const c = res.json<{ identities: unknown[]; conversations: unknown[] }>();
    expect(c.identities).toHaveLength(2);
    expect(c.conversations).toHaveLength(2);
    expect((await as(t.app, agent)('POST', `/api/v1/contacts/${target}/merge`, { sourceId: source })).json()).toMatchObject({ error: { code: 'EARSHOT_INVALID_STATE' } });
  });

  it('serves OpenAPI with the routes and their schemas, health and metrics', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/conversations', '/api/v1/conversations/{id}/replies', '/api/v1/channels/{id}/events']));
    expect((await t.app.inject({ method: 'GET', url: '/api/docs' })).statusCode).toBeLessThan(400);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true, db: kind });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/earshot_http_requests_total\{method="POST",route="\/api\/v1\/channels\/:id\/events",status="200"\} 1/);
  });
});
