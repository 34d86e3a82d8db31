import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { signApiBody } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';
import { startXFakeServer, type XFakeServer } from '../../../packages/core/src/channels/index';
import { startFeedServer, type FakeFeedServer } from '../../../packages/core/src/channels/testing/feed-fake.server';

interface ChannelBody { channel: { id: string; name: string; status: string; statusDetail: string | null; credentialKeys: string[] }; secret: string | null }

// PATCH /api/v1/channels/:id: rename, pause/resume, rotate credentials — and what pausing does to polling,
// sending and webhooks, against the local X and feed servers.
describeEachDb('channel edit, pause and resume', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let admin: Session;
  let agent: Session;
  let x: XFakeServer;
  let feeds: FakeFeedServer;
  let xId = '';
  let feedId = '';
  let url = '';

  // Real time, which a test can move ahead (the channel cache's 5 s, without sleeping them).
  const clock = { offset: 0, now() { return new Date(Date.now() + this.offset); }, shift(ms: number) { this.offset += ms; } };
  const drain = () => t.core.worker().drain();
  const patch = (who: Session, id: string, body: unknown) => as(t.app, who)('PATCH', `/api/v1/channels/${id}`, body);
  const audit = async (id: string) => (await sql<{ action: string; before: unknown; after: unknown }>`select action, before, after from audit_events where subject_type = 'channel' and subject_id = ${id} order by seq`.execute(t.core.db)).rows;
  const deliverJob = async (messageId: string) => (await sql<{ state: string; run_at: Date; attempts: number }>`
    select state, run_at, attempts from jobs where name = 'message.deliver' and payload->>'messageId' = ${messageId} and state in ('queued', 'running')`.execute(t.core.db)).rows;
  const pollJob = async (id: string) => (await sql<{ run_at: Date }>`select run_at from jobs where key = ${`poll:${id}`} and state = 'queued'`.execute(t.core.db)).rows;

  beforeAll(async () => {
    t = await createTestApp(kind, { clock });
    b = await seedBrand(t.core, 'pausy');
    admin = await login(t.app, b.emails.admin, b.password);
    agent = await login(t.app, b.emails.agent, b.password);
    x = await startXFakeServer();
    feeds = await startFeedServer();
    feeds.setFeed('/reviews.atom', 'atom', [{ id: 'rev-1', title: 'Late', html: '<p>Late again</p>', published: '2026-11-01T10:00:00Z', author: { name: 'R', email: 'r@example.org' } }]);
    xId = (await as(t.app, admin)('POST', '/api/v1/channels', { kind: 'x', name: '@PausyAir', credentials: x.credentials, settings: { apiBaseUrl: x.url, userId: x.brand.id } })).json<ChannelBody>().channel.id;
    feedId = (await as(t.app, admin)('POST', '/api/v1/channels', { kind: 'feed', name: 'Reviews', settings: { url: feeds.url('/reviews.atom'), pollIntervalSeconds: 300 } })).json<ChannelBody>().channel.id;
    await drain(); // the feed's first poll
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/v1/channels/${xId}/events`;
  });
  afterAll(async () => {
    await x?.close();
    await feeds?.stop();
    await t?.drop();
  });

  it('lets only admins edit a channel, and refuses an empty or unknown change with a 400', async () => {
    expect((await patch(agent, xId, { name: 'mine' })).statusCode).toBe(403);
    const empty = await patch(admin, xId, {});
    expect([empty.statusCode, empty.json<{ error: { code: string } }>().error.code]).toEqual([400, 'EARSHOT_VALIDATION']);
    expect((await patch(admin, xId, { status: 'error' })).statusCode).toBe(400);
    expect((await patch(admin, xId, { kind: 'feed' })).statusCode).toBe(400);
    expect((await patch(admin, xId, { rotateSecret: true })).json<{ error: { code: string; field: string } }>().error).toMatchObject({ code: 'EARSHOT_VALIDATION', field: 'body.rotateSecret' });
    expect((await patch(admin, '00000000-0000-4000-8000-000000000000', { name: 'x' })).statusCode).toBe(404);
  });

  it('renames with an audit entry', async () => {
    const res = await patch(admin, xId, { name: '@PausyAirlines' });
    expect(res.statusCode).toBe(200);
    expect(res.json<ChannelBody>()).toMatchObject({ channel: { id: xId, name: '@PausyAirlines', status: 'active' }, secret: null });
    expect(await audit(xId)).toContainEqual({ action: 'channel.renamed', before: { name: '@PausyAir' }, after: { name: '@PausyAirlines' } });
  });

  it('rotates the API channel\'s signing secret: shown once, the old one refused at once, never in the audit trail', async () => {
    const res = await patch(admin, b.apiChannelId, { rotateSecret: true });
    expect(res.statusCode).toBe(200);
    const secret = res.json<ChannelBody>().secret ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{30,}$/);
    expect(secret).not.toBe(b.apiSecret);
    const send = (key: string, id: string) => {
      const d = apiDelivery(key, [{ id, text: `rotation ${id}` }]);
      return t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    };
    expect((await send(b.apiSecret, 'old-key')).statusCode).toBe(401);
    expect((await send(secret, 'new-key')).statusCode).toBe(200);
    const entries = await audit(b.apiChannelId);
    expect(entries).toContainEqual({ action: 'channel.credentials_rotated', before: { credentialKeys: ['secret'] }, after: { credentialKeys: ['secret'], changedKeys: ['secret'] } });
    expect(JSON.stringify(entries)).not.toContain(secret);
    expect(JSON.stringify(entries)).not.toContain(b.apiSecret);
    expect(signApiBody(secret, 'x')).not.toBe(signApiBody(b.apiSecret, 'x'));
  });

  it('sets and removes provider credentials by key', async () => {
    const set = await patch(admin, feedId, { credentials: { authorization: 'Bearer feed-token-1' } });
    expect(set.json<ChannelBody>().channel.credentialKeys).toEqual(['authorization']);
    const removed = await patch(admin, feedId, { credentials: { authorization: null } });
    expect(removed.json<ChannelBody>().channel.credentialKeys).toEqual([]);
    const row = await t.core.db.selectFrom('channels').select('credentials_enc').where('id', '=', feedId).executeTakeFirstOrThrow();
    expect(row.credentials_enc).toBeNull();
  });

  it('a paused feed is not polled; resuming polls at once', async () => {
    const res = await patch(admin, feedId, { status: 'paused' });
    expect(res.json<ChannelBody>().channel).toMatchObject({ status: 'paused', statusDetail: expect.stringContaining('paused at') });
    const before = feeds.requests.length;
    await sql`update jobs set run_at = now() where key = ${`poll:${feedId}`} and state = 'queued'`.execute(t.core.db);
    await drain();
    expect(feeds.requests.length).toBe(before);
    expect(await pollJob(feedId)).toEqual([]); // the chain stopped

    feeds.setFeed('/reviews.atom', 'atom', [
      { id: 'rev-1', title: 'Late', html: '<p>Late again</p>', published: '2026-11-01T10:00:00Z', author: { name: 'R', email: 'r@example.org' } },
      { id: 'rev-2', title: 'Rude', html: '<p>Rude staff</p>', published: '2026-11-02T10:00:00Z', author: { name: 'S', email: 's@example.org' } },
    ]);
    const resumed = await patch(admin, feedId, { status: 'active' });
    expect(resumed.json<ChannelBody>().channel).toMatchObject({ status: 'active', statusDetail: null });
    await drain();
    expect(feeds.requests.length).toBe(before + 1);
    const texts = await t.core.db.selectFrom('messages').select('text').where('channel_id', '=', feedId).orderBy('sent_at').execute();
    expect(texts.map((m) => m.text)).toEqual(['Late again', 'Rude staff']);
    expect((await audit(feedId)).map((e) => e.action)).toEqual(['channel.created', 'channel.credentials_rotated', 'channel.credentials_rotated', 'channel.paused', 'channel.resumed']);
  });

  it('a paused X channel still stores its webhooks, sends nothing (the reply waits with its attempts untouched), and sends once on resume', async () => {
    const zoe = x.addCustomer({ username: 'zoe_pause', followers: 50 });
    const first = x.mention({ from: zoe, text: 'where is my refund?' });
    await x.deliver(url, first.payload);
    await drain();
    const convId = (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', first.tweet.id).executeTakeFirstOrThrow()).conversation_id;

    expect((await patch(admin, xId, { status: 'paused' })).statusCode).toBe(200);
    // Webhooks keep arriving while paused: acknowledged only after they are stored, and processed.
    const during = x.mention({ from: zoe, text: 'hello? anyone?', inReplyTo: first.tweet.id });
    const [ack] = await x.deliver(url, during.payload);
    expect(ack?.status).toBe(200);
    await drain();
    expect((await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', during.tweet.id).executeTakeFirstOrThrow()).conversation_id).toBe(convId);

    const reply = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/replies`, { text: 'Sorry Zoe, the refund left today.', visibility: 'public' });
    const messageId = reply.json<{ id: string }>().id;
    for (let i = 0; i < 3; i++) {
      await drain();
      await sql`update jobs set run_at = now() where name = 'message.deliver' and state = 'queued'`.execute(t.core.db); // as if the hourly re-check came
    }
    expect(x.sent.filter((s) => s.text.startsWith('Sorry Zoe'))).toEqual([]);
    const waiting = await t.core.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', messageId).executeTakeFirstOrThrow();
    expect(waiting).toEqual({ delivery_status: 'queued', delivery_error: expect.stringContaining('channel is paused') });
    const job = await deliverJob(messageId);
    expect(job).toEqual([expect.objectContaining({ state: 'queued', attempts: 0 })]);
    const seen = (await as(t.app, agent)('GET', `/api/v1/conversations/${convId}`)).json<{ messages: { id: string; deliveryStatus: string | null; deliveryError: string | null }[] }>();
    expect(seen.messages.find((m) => m.id === messageId)).toMatchObject({ deliveryStatus: 'queued', deliveryError: expect.stringContaining('paused') });

    // Resume: the parked reply is due at once and goes out exactly once.
    await sql`update jobs set run_at = now() + interval '1 hour' where name = 'message.deliver' and state = 'queued'`.execute(t.core.db);
    expect((await patch(admin, xId, { status: 'active' })).statusCode).toBe(200);
    await drain();
    const sent = x.sent.filter((s) => s.text.startsWith('Sorry Zoe'));
    expect(sent).toEqual([expect.objectContaining({ kind: 'post', inReplyToTweetId: during.tweet.id })]);
    expect(await t.core.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', messageId).executeTakeFirstOrThrow()).toEqual({ delivery_status: 'sent', delivery_error: null });
    await drain();
    expect(x.sent.filter((s) => s.text.startsWith('Sorry Zoe'))).toHaveLength(1);
  });

  it('a disconnected channel refuses webhooks (409) and stores nothing', async () => {
    await sql`update channels set status = 'disconnected' where id = ${xId}`.execute(t.core.db);
    clock.shift(5_001); // the webhook path caches a channel for 5 s, by the injected clock
    const zoe = x.addCustomer({ username: 'zoe_gone' });
    const m = x.mention({ from: zoe, text: 'anyone there?' });
    const [res] = await x.deliver(url, m.payload);
    expect(res?.status).toBe(409);
    expect(await t.core.db.selectFrom('inbound_events').select('id').where('provider_event_id', '=', `x:tweet:${m.tweet.id}`).execute()).toEqual([]);
  });
});
