import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type ApiMessageInput, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

interface Page { items: { id: string }[]; nextCursor: string | null }

describeEachDb('GET /api/v1/conversations?view=mentions_needing_response', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let other: SeededBrand;
  let agent: Session;
  const ids: Record<string, string> = {};

  async function deliver(brand: SeededBrand, events: ApiMessageInput[]) {
    const d = apiDelivery(brand.apiSecret, events);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/channels/${brand.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    expect(res.statusCode).toBe(200);
    await t.core.worker().drain();
  }

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'views');
    other = await seedBrand(t.core, 'views-other');
    agent = await login(t.app, b.emails.agent, b.password);
    await deliver(b, [
      { id: 'pub', author: 'ana', text: '@brand my order never came' },
      { id: 'dm', author: 'ben', text: 'Sending my address in private', visibility: 'private', threadKey: 'dm:ben' },
      { id: 'answered', author: 'cem', text: '@brand is the app down?' },
    ]);
    await deliver(other, [{ id: 'theirs', author: 'ana', text: '@other my order never came' }]);
    for (const m of ['pub', 'dm', 'answered', 'theirs']) {
      ids[m] = (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', m).executeTakeFirstOrThrow()).conversation_id;
    }
    const reply = await as(t.app, agent)('POST', `/api/v1/conversations/${ids.answered}/replies`, { text: 'Not down: a fix for the login error ships today.', visibility: 'public' });
    expect(reply.statusCode).toBe(200);
  });
  afterAll(async () => { await t?.drop(); });

  it('lists the brand\'s open public mentions nobody has answered, not its DMs', async () => {
    const res = await as(t.app, agent)('GET', '/api/v1/conversations?view=mentions_needing_response');
    expect(res.statusCode).toBe(200);
    expect(res.json<Page>().items.map((c) => c.id)).toEqual([ids.pub]);
    // The other views still hold all three.
    expect((await as(t.app, agent)('GET', '/api/v1/conversations?view=all')).json<Page>().items.map((c) => c.id).sort()).toEqual([ids.pub, ids.dm, ids.answered].sort());
  });

  it('needs a session, and refuses an unknown view with a 400 and the field', async () => {
    expect((await as(t.app, null)('GET', '/api/v1/conversations?view=mentions_needing_response')).statusCode).toBe(401);
    const res = await as(t.app, agent)('GET', '/api/v1/conversations?view=mentions');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string; field?: string } }>().error).toMatchObject({ code: 'EARSHOT_VALIDATION', field: expect.stringMatching(/view/) });
  });
});
