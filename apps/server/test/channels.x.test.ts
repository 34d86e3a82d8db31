import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { describeEachDb } from '../../../test/support/db';
import { seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';
import { startXFakeServer, type XFakeServer } from '../../../packages/core/src/channels/index';

// X end to end through the real HTTP app: Account Activity webhooks in, API v2 out, over loopback.
describeEachDb('X channel end to end', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let admin: Session;
  let agent: Session;
  let x: XFakeServer;
  let channelId = '';
  let url = '';

  const drain = () => t.core.worker().drain();
  const messagesByProviderId = (id: string) => t.core.db.selectFrom('messages').selectAll().where('provider_message_id', '=', id).execute();
  /** Lets the queued delivery job run now, as if its backoff had passed. */
  const releaseDeliveries = () => sql`update jobs set run_at = now() where name = 'message.deliver' and state = 'queued'`.execute(t.core.db);
  const deliverJob = async (messageId: string) => (await sql<{ state: string; run_at: Date; last_error: string | null; attempts: number }>`
    select state, run_at, last_error, attempts from jobs where name = 'message.deliver' and payload->>'messageId' = ${messageId}`.execute(t.core.db)).rows[0];

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'xair');
    admin = await login(t.app, b.emails.admin, b.password);
    agent = await login(t.app, b.emails.agent, b.password);
    x = await startXFakeServer();
    const created = await as(t.app, admin)('POST', '/api/v1/channels', {
      kind: 'x', name: '@EarshotAir',
      credentials: x.credentials,
      settings: { apiBaseUrl: x.url, userId: x.brand.id },
    });
    expect(created.statusCode).toBe(200);
    channelId = created.json<{ channel: { id: string } }>().channel.id;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/v1/channels/${channelId}/events`;
  });
  afterAll(async () => {
    await x?.close();
    await t?.drop();
  });

  it('keeps the credentials encrypted at rest and out of every API response', async () => {
    const row = await t.core.db.selectFrom('channels').select('credentials_enc').where('id', '=', channelId).executeTakeFirstOrThrow();
    const list = await as(t.app, admin)('GET', '/api/v1/channels');
    const limits = await as(t.app, admin)('GET', `/api/v1/channels/${channelId}/limits`);
    expect(limits.statusCode).toBe(200);
    for (const secret of Object.values(x.credentials)) {
      expect(row.credentials_enc).not.toContain(secret);
      expect(list.body).not.toContain(secret);
      expect(limits.body).not.toContain(secret);
    }
    expect(list.json<{ items: { id: string; credentialKeys: string[] }[] }>().items.find((c) => c.id === channelId)?.credentialKeys).toEqual(['accessToken', 'bearerToken', 'consumerSecret']);
  });

  it('answers the CRC challenge through the route', async () => {
    expect(await x.crc(url)).toEqual({ ok: true, status: 200 });
  });

  it('rejects a delivery with a bad signature (401) and stores nothing', async () => {
    const customer = x.addCustomer({ username: 'forged' });
    const { payload } = x.mention({ from: customer, text: 'forged mention' });
    const [res] = await x.deliver(url, payload, { secret: 'not-the-consumer-secret' });
    expect(res?.status).toBe(401);
    const stored = await t.core.db.selectFrom('inbound_events').select('id').where('channel_id', '=', channelId).execute();
    expect(stored).toEqual([]);
  });

  let convId = '';
  let firstTweetId = '';
  let customerReplyId = '';

  it('stores a mention delivered twice once, and threads the customer\'s follow-up into the same conversation', async () => {
    const zoe = x.addCustomer({ username: 'zoe_flies', followers: 1234 });
    const first = x.mention({ from: zoe, text: 'my bag never arrived in Lisbon' });
    firstTweetId = first.tweet.id;
    const outcomes = await x.deliver(url, first.payload, { times: 2 });
    expect(outcomes.map((o) => o.status)).toEqual([200, 200]);
    await drain();
    const stored = await messagesByProviderId(firstTweetId);
    expect(stored).toHaveLength(1);
    convId = stored[0]?.conversation_id ?? '';
    expect(stored[0]).toMatchObject({ direction: 'inbound', visibility: 'public', author_followers: 1234 });

    const followUp = x.mention({ from: zoe, text: 'still nothing, two days now', inReplyTo: firstTweetId });
    customerReplyId = followUp.tweet.id;
    await x.deliver(url, followUp.payload);
    await drain();
    expect((await messagesByProviderId(customerReplyId))[0]?.conversation_id).toBe(convId);
    const detail = (await as(t.app, agent)('GET', `/api/v1/conversations/${convId}`)).json<{ messages: { text: string }[] }>();
    expect(detail.messages.map((m) => m.text)).toEqual([expect.stringContaining('my bag never arrived'), expect.stringContaining('still nothing')]);
  });

  it('delivers an agent\'s public reply under the customer\'s latest post and records the provider id', async () => {
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/replies`, { text: 'Sorry Zoe, we found your bag: it reaches you tonight.', visibility: 'public' });
    expect(res.statusCode).toBe(200);
    const messageId = res.json<{ id: string }>().id;
    await drain();
    const sent = x.sent.filter((s) => s.text.startsWith('Sorry Zoe'));
    expect(sent).toEqual([expect.objectContaining({ kind: 'post', inReplyToTweetId: customerReplyId })]);
    const m = await t.core.db.selectFrom('messages').select(['delivery_status', 'provider_message_id']).where('id', '=', messageId).executeTakeFirstOrThrow();
    expect(m).toEqual({ delivery_status: 'sent', provider_message_id: sent[0]?.id });
    const d = (await sql<{ provider_message_ids: string[]; state: string }>`select provider_message_ids, state from message_deliveries where message_id = ${messageId}`.execute(t.core.db)).rows[0];
    expect(d).toEqual({ provider_message_ids: [sent[0]?.id], state: 'sent' });

    // The customer answers our reply: it joins the same conversation through our post's id.
    const zoe = x.addCustomer({ username: 'zoe_flies' });
    const thanks = x.mention({ from: zoe, text: 'thank you!', inReplyTo: sent[0]?.id ?? '' });
    await x.deliver(url, thanks.payload);
    // X echoes our own post to the webhook too: it must not become a second message.
    await x.deliver(url, x.echo(sent[0]?.id ?? ''));
    await drain();
    expect((await messagesByProviderId(thanks.tweet.id))[0]?.conversation_id).toBe(convId);
    expect(await messagesByProviderId(sent[0]?.id ?? '')).toHaveLength(1);
  });

  it('waits out a 429 until the reset X announced, then delivers once', async () => {
    x.failNext(1, { status: 429, resetInSeconds: 1 });
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/replies`, { text: 'Update: the courier is on the way.', visibility: 'public' });
    const messageId = res.json<{ id: string }>().id;
    await t.core.worker().runOnce(); // one attempt: the 429
    const job = await deliverJob(messageId);
    expect(job).toMatchObject({ state: 'queued', last_error: expect.stringContaining('rate limit') });
    expect(job?.run_at.getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(x.sent.filter((s) => s.text === 'Update: the courier is on the way.')).toEqual([]);
    // Wait for the announced reset (the driver refuses early while the window is known to be empty).
    await new Promise((r) => setTimeout(r, Math.max(0, (job?.run_at.getTime() ?? 0) - Date.now()) + 50));
    await drain();
    expect(x.sent.filter((s) => s.text === 'Update: the courier is on the way.')).toHaveLength(1);
    expect((await deliverJob(messageId))?.state).toBe('done');
  });

  it('survives a provider outage: retried with backoff, delivered once after recovery', async () => {
    x.setOutage(true);
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/replies`, { text: 'We are still on it, more soon.', visibility: 'public' });
    const messageId = res.json<{ id: string }>().id;
    await drain();
    const during = await t.core.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', messageId).executeTakeFirstOrThrow();
    expect(during.delivery_status).toBe('sending');
    expect(during.delivery_error).toBeTruthy();
    expect((await deliverJob(messageId))?.state).toBe('queued');
    x.setOutage(false);
    await releaseDeliveries();
    await drain();
    expect(x.sent.filter((s) => s.text === 'We are still on it, more soon.')).toHaveLength(1);
    expect((await t.core.db.selectFrom('messages').select('delivery_status').where('id', '=', messageId).executeTakeFirstOrThrow()).delivery_status).toBe('sent');
  });

  it('resumes a long reply that failed half-way without reposting the parts already public', async () => {
    const long = Array.from({ length: 8 }, (_, i) => `Step ${i + 1}: we checked the baggage system at the transfer airport and traced the tag.`).join(' ');
    x.failNext(1, { status: 503 }, 1); // the first part goes out, the second fails
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/replies`, { text: long, visibility: 'public' });
    const messageId = res.json<{ id: string }>().id;
    await drain();
    const partsBefore = x.sent.filter((s) => s.text.startsWith('Step 1:'));
    expect(partsBefore).toHaveLength(1);
    await releaseDeliveries();
    await drain();
    const d = (await sql<{ provider_message_ids: string[] }>`select provider_message_ids from message_deliveries where message_id = ${messageId}`.execute(t.core.db)).rows[0];
    const posted = x.sent.filter((s) => d?.provider_message_ids.includes(s.id));
    expect(posted.length).toBeGreaterThan(1);
    expect(new Set(posted.map((p) => p.text)).size).toBe(posted.length); // no part twice
    expect(x.sent.filter((s) => s.text.startsWith('Step 1:'))).toHaveLength(1);
    // Each part replies to the previous one, the first to the customer's post.
    expect(posted[1]).toMatchObject({ inReplyToTweetId: posted[0]?.id });
  });

  it('never sends again a message whose attempt ended with an unknown outcome', async () => {
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/replies`, { text: 'Crash test reply', visibility: 'public' });
    const messageId = res.json<{ id: string }>().id;
    // As if a worker died during the provider call: the attempt is in flight and the job's lease ran out.
    await sql`insert into message_deliveries (message_id, brand_id, channel_id, state, attempts, started_at) values (${messageId}, ${b.brandId}, ${channelId}, 'in_flight', 1, now())`.execute(t.core.db);
    await drain();
    expect(x.sent.filter((s) => s.text === 'Crash test reply')).toEqual([]);
    const m = await t.core.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', messageId).executeTakeFirstOrThrow();
    expect(m).toEqual({ delivery_status: 'failed', delivery_error: expect.stringContaining('outcome unknown') });
  });

  it('reports the provider allowance and the sends of the last 24 hours', async () => {
    const limits = (await as(t.app, agent)('GET', `/api/v1/channels/${channelId}/limits`)).json<{ provider: { limit: number | null; remaining: number | null }; budget: { usedLast24h: number; limit: number | null } }>();
    expect(limits.provider.limit).toBeGreaterThan(0);
    expect(limits.provider.remaining).toBeLessThan(limits.provider.limit ?? 0);
    expect(limits.budget).toMatchObject({ usedLast24h: 4, limit: null });
  });

  it('polls mentions page by page for an account without webhooks (channel.poll job) and schedules the next poll', async () => {
    const admin = await login(t.app, b.emails.admin, b.password);
    const created = await as(t.app, admin)('POST', '/api/v1/channels', {
      kind: 'x', name: '@EarshotAir (polling)', credentials: x.credentials,
      settings: { apiBaseUrl: x.url, userId: x.brand.id, pollMentions: true, pollPageSize: 5 },
    });
    const pollingId = created.json<{ channel: { id: string } }>().channel.id;
    const kim = x.addCustomer({ username: 'kim_travels' });
    const polled = Array.from({ length: 7 }, (_, i) => x.mention({ from: kim, text: `polled mention ${i + 1}` }));
    await drain();
    const stored = await t.core.db.selectFrom('messages').select('provider_message_id').where('channel_id', '=', pollingId).where('text', 'like', '%polled mention%').execute();
    expect(stored.map((s) => s.provider_message_id).sort()).toEqual(polled.map((p) => p.tweet.id).sort());
    const next = (await sql<{ run_at: Date }>`select run_at from jobs where key = ${`poll:${pollingId}`} and state = 'queued'`.execute(t.core.db)).rows;
    expect(next).toHaveLength(1);
  });

  it('never writes a credential into jobs, audit or stored events', async () => {
    const dump = JSON.stringify([
      await t.core.db.selectFrom('jobs').selectAll().execute(),
      await t.core.db.selectFrom('audit_events').selectAll().execute(),
      await t.core.db.selectFrom('inbound_events').selectAll().execute(),
    ]);
    for (const secret of Object.values(x.credentials)) expect(dump).not.toContain(secret);
  });
});
