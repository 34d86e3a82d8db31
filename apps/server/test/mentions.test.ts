import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DeskEvent } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

interface Mention { messageId: string; conversationId: string; text: string; author: { id: string; name: string } | null; readAt: string | null }
interface MentionPage { items: Mention[]; nextCursor: string | null; unread: number }

describeEachDb('@mentions in internal notes', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let other: SeededBrand;
  let agent: Session;
  let admin: Session;
  let convId = '';

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'ment');
    other = await seedBrand(t.core, 'othr');
    agent = await login(t.app, b.emails.agent, b.password);
    admin = await login(t.app, b.emails.admin, b.password);
    const d = apiDelivery(b.apiSecret, [{ id: 'n-1', author: 'nina', text: 'Where is my parcel?' }]);
    await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    await t.core.worker().drain();
    convId = (await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', b.brandId).executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => { await t?.drop(); });

  it('stores the mentioned users with the note, audits them and tells the desk live', async () => {
    const events: DeskEvent[] = [];
    const off = t.core.bus.subscribe((e) => events.push(e));
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/notes`, { text: '@Admin ment and @Agency ment: can one of you check the depot?', mentions: [b.adminId, b.agencyId, b.adminId] });
    off();
    expect(res.statusCode).toBe(200);
    const note = res.json<{ id: string; kind: string; mentions: { id: string; name: string }[] }>();
    expect(note).toMatchObject({ kind: 'note', mentions: [{ id: b.adminId, name: 'Admin ment' }, { id: b.agencyId, name: 'Agency ment' }] });
    const rows = await t.core.db.selectFrom('note_mentions').select(['user_id', 'conversation_id', 'read_at']).where('message_id', '=', note.id).orderBy('user_id').execute();
    expect(rows).toEqual([b.adminId, b.agencyId].sort().map((id) => ({ user_id: id, conversation_id: convId, read_at: null })));
    expect(events.filter((e) => e.type === 'conversation.note_added')).toEqual([expect.objectContaining({ conversationId: convId, messageId: note.id, data: { mentionedUserIds: expect.arrayContaining([b.adminId, b.agencyId]) } })]);
    const audit = await t.core.db.selectFrom('audit_events').select('after').where('subject_id', '=', note.id).executeTakeFirstOrThrow();
    expect((audit.after as { mentions: string[] }).mentions.sort()).toEqual([b.adminId, b.agencyId].sort());
    // The conversation shows who the note mentions.
    const detail = (await as(t.app, agent)('GET', `/api/v1/conversations/${convId}`)).json<{ messages: { id: string; mentions?: { id: string }[] }[] }>();
    expect(detail.messages.find((m) => m.id === note.id)?.mentions?.map((m) => m.id)).toEqual([b.adminId, b.agencyId]);
    expect(detail.messages.filter((m) => m.id !== note.id).every((m) => m.mentions === undefined)).toBe(true);
  });

  it('refuses mentions of users outside the brand, unknown ids and non-ids, and stores no note then', async () => {
    const before = await t.core.db.selectFrom('messages').select('id').where('conversation_id', '=', convId).execute();
    for (const [mentions, status, code] of [
      [[other.agentId], 404, 'EARSHOT_USER_NOT_FOUND'],
      [['00000000-0000-4000-8000-000000000000'], 404, 'EARSHOT_USER_NOT_FOUND'],
      [['not-a-user'], 400, 'EARSHOT_VALIDATION'],
    ] as const) {
      const res = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/notes`, { text: 'who is this?', mentions });
      expect([res.statusCode, res.json<{ error: { code: string; field?: string } }>().error]).toEqual([status, expect.objectContaining({ code, field: expect.stringMatching(/^body\.mentions/) })]);
    }
    expect(await t.core.db.selectFrom('messages').select('id').where('conversation_id', '=', convId).execute()).toHaveLength(before.length);
  });

  it('lists my mentions newest first with an unread count, pages them and marks them read', async () => {
    const mine = (s: Session, q = '') => as(t.app, s)('GET', `/api/v1/mentions${q}`).then((r) => r.json<MentionPage>());
    expect(await mine(agent)).toEqual({ items: [], nextCursor: null, unread: 0 });
    for (const n of [2, 3]) await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/notes`, { text: `follow-up ${n} for @Admin ment`, mentions: [b.adminId] });
    const all = await mine(admin);
    expect(all.unread).toBe(3);
    expect(all.items.map((m) => m.text)).toEqual(['follow-up 3 for @Admin ment', 'follow-up 2 for @Admin ment', expect.stringContaining('check the depot')]);
    expect(all.items[0]).toMatchObject({ conversationId: convId, author: { id: b.agentId, name: 'Agent ment' }, readAt: null });

    const p1 = await mine(admin, '?limit=2');
    expect(p1.items).toHaveLength(2);
    const p2 = await mine(admin, `?limit=2&cursor=${p1.nextCursor ?? ''}`);
    expect([...p1.items, ...p2.items].map((m) => m.messageId)).toEqual(all.items.map((m) => m.messageId));
    expect(p2.nextCursor).toBeNull();
    expect((await as(t.app, admin)('GET', '/api/v1/mentions?cursor=bogus')).json()).toMatchObject({ error: { code: 'EARSHOT_VALIDATION', field: 'query.cursor' } });

    const newest = all.items[0]?.messageId ?? '';
    expect((await as(t.app, admin)('POST', '/api/v1/mentions/read', { messageIds: [newest] })).json()).toEqual({ unread: 2 });
    expect((await mine(admin, '?unread=true')).items.map((m) => m.messageId)).toEqual(all.items.slice(1).map((m) => m.messageId));
    // Someone else marking "all read" touches only their own mentions.
    expect((await as(t.app, agent)('POST', '/api/v1/mentions/read', {})).json()).toEqual({ unread: 0 });
    expect((await mine(admin)).unread).toBe(2);
    expect((await as(t.app, admin)('POST', '/api/v1/mentions/read', {})).json()).toEqual({ unread: 0 });
    expect((await mine(admin, '?unread=true')).items).toEqual([]);
  });

  it('has no mentions for an API token without a user', async () => {
    const token = await t.core.auth.createToken({ type: 'system', id: 'test', brandId: b.brandId }, { name: 'bot', scopes: ['conversation:read'] });
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/mentions', headers: { authorization: `Bearer ${token.token}` } });
    expect(res.statusCode).toBe(403);
  });
});
