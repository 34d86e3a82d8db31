import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type ApiMessageInput, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

interface Match { id: string; name: string | null; identities: { id: string; handle: string | null }[]; conversationCount: number }
interface Page { items: Match[]; nextCursor: string | null }
interface Contact { id: string; identities: { id: string; handle: string | null }[]; conversations: { id: string }[] }

describeEachDb('contacts: search to merge, merge, unmerge', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let other: SeededBrand;
  let agent: Session;
  const contactOf: Record<string, string> = {};

  const deliver = async (brand: SeededBrand, events: (ApiMessageInput & { name?: string })[]) => {
    const d = apiDelivery(brand.apiSecret, events);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/channels/${brand.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    expect(res.statusCode).toBe(200);
    await t.core.worker().drain();
  };
  const search = (q: string) => as(t.app, agent)('GET', `/api/v1/contacts?${q}`);

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'cont');
    other = await seedBrand(t.core, 'else');
    agent = await login(t.app, b.emails.agent, b.password);
    await deliver(b, [
      { id: 'c-1', author: 'maria_g', text: 'Refund please' },
      { id: 'c-2', author: 'maria_work', text: 'Same refund, from my work account' },
      { id: 'c-3', author: 'tom_k', text: 'Great app' },
      { id: 'c-4', author: 'pct_50', text: 'Discount?' },
    ]);
    await deliver(other, [{ id: 'o-1', author: 'maria_other', text: 'Other brand' }]);
    for (const h of ['maria_g', 'maria_work', 'tom_k', 'pct_50', 'maria_other']) {
      contactOf[h] = (await t.core.db.selectFrom('contact_identities').select('contact_id').where('handle', '=', `@${h}`).executeTakeFirstOrThrow()).contact_id;
    }
    await as(t.app, agent)('PATCH', `/api/v1/contacts/${contactOf.maria_g}`, { name: 'Maria Garcia', email: 'maria@example.com' });
  });
  afterAll(async () => { await t?.drop(); });

  it('finds the brand\'s contacts by name, handle or email, with their identities, and nobody else\'s', async () => {
    const byName = (await search('q=maria')).json<Page>();
    expect(byName.items.map((m) => [m.name, m.identities.map((i) => i.handle), m.conversationCount])).toEqual([['@maria_work', ['@maria_work'], 1], ['Maria Garcia', ['@maria_g'], 1]]);
    expect((await search('q=%40maria_g')).json<Page>().items.map((m) => m.id)).toEqual([contactOf.maria_g]);
    expect((await search('q=EXAMPLE.com')).json<Page>().items.map((m) => m.id)).toEqual([contactOf.maria_g]);
    expect((await search(`q=maria&excludeId=${contactOf.maria_g}`)).json<Page>().items.map((m) => m.id)).toEqual([contactOf.maria_work]);
    // LIKE wildcards are plain characters: "_5" matches only a handle with "_5" in it.
    expect((await search('q=_5')).json<Page>().items.map((m) => m.id)).toEqual([contactOf.pct_50]);
    expect((await search('q=%25')).json<Page>().items).toEqual([]);
    expect((await search('q=maria_other')).json<Page>().items).toEqual([]);
  });

  it('pages through matches with a cursor and refuses bad queries with a code', async () => {
    const all = (await search('q=%40')).json<Page>().items.map((m) => m.id);
    expect(all).toHaveLength(4);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = (await search(`q=%40&limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json<Page>();
      seen.push(...page.items.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(all);
    for (const [q, field] of [['q=', 'q'], ['q=%20%20', 'q'], ['q=a&limit=500', 'limit'], ['q=a&cursor=nope', 'cursor'], ['q=a&excludeId=1', 'excludeId']] as const) {
      const res = await search(q);
      expect([q, res.statusCode, res.json<{ error: { code: string; field?: string } }>().error]).toEqual([q, 400, expect.objectContaining({ code: 'EARSHOT_VALIDATION', field: expect.stringMatching(new RegExp(`^query(string)?\\.${field}$`)) })]);
    }
  });

  it('merges a found duplicate, leaves it out of later searches, and moves one identity back out (audited)', async () => {
    const merged = await as(t.app, agent)('POST', `/api/v1/contacts/${contactOf.maria_g}/merge`, { sourceId: contactOf.maria_work });
    expect(merged.json<Contact>().identities.map((i) => i.handle)).toEqual(['@maria_g', '@maria_work']);
    expect((await search('q=maria')).json<Page>().items.map((m) => m.id)).toEqual([contactOf.maria_g]);

    const work = merged.json<Contact>().identities.find((i) => i.handle === '@maria_work');
    const workConv = (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', 'c-2').executeTakeFirstOrThrow()).conversation_id;
    const res = await as(t.app, agent)('POST', `/api/v1/contacts/${contactOf.maria_g}/unmerge`, { identityId: work?.id });
    expect(res.statusCode).toBe(200);
    const { contact, split } = res.json<{ contact: Contact; split: Contact }>();
    expect(contact.identities.map((i) => i.handle)).toEqual(['@maria_g']);
    expect(contact.conversations.map((c) => c.id)).not.toContain(workConv);
    expect(split).toMatchObject({ identities: [{ handle: '@maria_work' }], conversations: [{ id: workConv }] });
    expect(split.id).not.toBe(contactOf.maria_g);
    const audit = await t.core.db.selectFrom('audit_events').select(['action', 'after']).where('subject_id', '=', contactOf.maria_g ?? '').where('action', '=', 'contact.unmerged').execute();
    expect(audit).toEqual([{ action: 'contact.unmerged', after: { identityId: work?.id, newContactId: split.id, conversations: [workConv] } }]);
    // New messages from that identity now belong to the split-off customer.
    await deliver(b, [{ id: 'c-5', author: 'maria_work', text: 'Any news?' }]);
    const c5 = await t.core.db.selectFrom('messages as m').innerJoin('conversations as c', 'c.id', 'm.conversation_id').select('c.contact_id').where('m.provider_message_id', '=', 'c-5').executeTakeFirstOrThrow();
    expect(c5.contact_id).toBe(split.id);
    expect((await search('q=maria')).json<Page>().items.map((m) => m.id).sort()).toEqual([contactOf.maria_g, split.id].sort());
  });

  it('refuses to unmerge a contact\'s only identity, someone else\'s identity, or without the permission', async () => {
    const tom = (await as(t.app, agent)('GET', `/api/v1/contacts/${contactOf.tom_k}`)).json<Contact>();
    const only = await as(t.app, agent)('POST', `/api/v1/contacts/${contactOf.tom_k}/unmerge`, { identityId: tom.identities[0]?.id });
    expect([only.statusCode, only.json<{ error: { code: string } }>().error.code]).toEqual([409, 'EARSHOT_INVALID_STATE']);
    const foreign = await as(t.app, agent)('POST', `/api/v1/contacts/${contactOf.maria_g}/unmerge`, { identityId: tom.identities[0]?.id });
    expect([foreign.statusCode, foreign.json<{ error: { code: string; field: string } }>().error]).toEqual([404, expect.objectContaining({ code: 'EARSHOT_NOT_FOUND', field: 'body.identityId' })]);
    const viewer = await login(t.app, b.emails.viewer, b.password);
    expect((await as(t.app, viewer)('POST', `/api/v1/contacts/${contactOf.maria_g}/unmerge`, { identityId: tom.identities[0]?.id })).statusCode).toBe(403);
    expect((await as(t.app, agent)('GET', `/api/v1/contacts/${contactOf.tom_k}`)).json<Contact>().identities).toHaveLength(1);
  });
});
