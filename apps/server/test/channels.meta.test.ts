import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { describeEachDb } from '../../../test/support/db';
import { seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';
import { startMetaFakeServer, type MetaFakeServer } from '../../../packages/core/src/channels/index';

// Facebook Page and Instagram end to end through the real HTTP app: Meta webhooks in, Graph API out.
describeEachDb('Meta channels end to end', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let agent: Session;
  let meta: MetaFakeServer;
  const channels: Record<'facebook' | 'instagram', { id: string; url: string }> = { facebook: { id: '', url: '' }, instagram: { id: '', url: '' } };

  const drain = () => t.core.worker().drain();
  const messageByProviderId = (id: string) => t.core.db.selectFrom('messages').selectAll().where('provider_message_id', '=', id).execute();
  const releaseDeliveries = () => sql`update jobs set run_at = now() where name = 'message.deliver' and state = 'queued'`.execute(t.core.db);
  const message = (id: string) => t.core.db.selectFrom('messages').select(['delivery_status', 'delivery_error', 'provider_message_id']).where('id', '=', id).executeTakeFirstOrThrow();
  const deliverJobOf = async (messageId: string) => (await sql<{ state: string; last_error: string | null; attempts: number }>`
    select state, last_error, attempts from jobs where name = 'message.deliver' and payload->>'messageId' = ${messageId}`.execute(t.core.db)).rows[0];
  const reply = async (convId: string, text: string, visibility: 'public' | 'private') => {
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${convId}/replies`, { text, visibility });
    expect(res.statusCode).toBe(200);
    return res.json<{ id: string }>().id;
  };

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'metabrand');
    const admin = await login(t.app, b.emails.admin, b.password);
    agent = await login(t.app, b.emails.agent, b.password);
    meta = await startMetaFakeServer();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    for (const platform of ['facebook', 'instagram'] as const) {
      const created = await as(t.app, admin)('POST', '/api/v1/channels', { kind: platform, name: platform, credentials: meta.credentials, settings: { apiBaseUrl: meta.url, rateLimitBackoffSeconds: 1 } });
      expect(created.statusCode).toBe(200);
      const id = created.json<{ channel: { id: string } }>().channel.id;
      channels[platform] = { id, url: `${base}/api/v1/channels/${id}/events` };
    }
  });
  afterAll(async () => {
    await meta?.close();
    await t?.drop();
  });

  it('keeps the app secret and tokens encrypted at rest', async () => {
    const rows = await t.core.db.selectFrom('channels').select('credentials_enc').where('brand_id', '=', b.brandId).execute();
    for (const r of rows) for (const secret of Object.values(meta.credentials)) expect(r.credentials_enc ?? '').not.toContain(secret);
  });

  for (const platform of ['facebook', 'instagram'] as const) {
    const comment = (o: { from: ReturnType<MetaFakeServer['addPerson']>; text: string; parentCommentId?: string }) =>
      platform === 'facebook' ? meta.facebookComment(o) : meta.instagramComment(o);
    const dm = (o: { from: ReturnType<MetaFakeServer['addPerson']>; text: string }) =>
      platform === 'facebook' ? meta.messengerMessage(o) : meta.instagramMessage(o);

    it(`${platform}: answers the subscription challenge and refuses a wrong verify token`, async () => {
      expect(await meta.verifySubscription(channels[platform].url)).toEqual({ ok: true, status: 200 });
      expect((await meta.verifySubscription(channels[platform].url, { verifyToken: 'wrong' })).ok).toBe(false);
    });

    it(`${platform}: rejects a bad X-Hub-Signature-256 with 401 and stores nothing`, async () => {
      const p = meta.addPerson({ name: 'Mallory', platform });
      const [res] = await meta.deliver(channels[platform].url, comment({ from: p, text: 'forged' }).payload, { secret: 'wrong-secret' });
      expect(res?.status).toBe(401);
      expect(await t.core.db.selectFrom('inbound_events').select('id').where('channel_id', '=', channels[platform].id).execute()).toEqual([]);
    });

    let convId = '';
    let replyCommentId = '';
    it(`${platform}: stores a duplicated comment once and threads a reply to it into the same conversation`, async () => {
      const ana = meta.addPerson({ name: 'Ana Lima', platform });
      const top = comment({ from: ana, text: 'My order #4411 arrived broken' });
      expect((await meta.deliver(channels[platform].url, top.payload, { times: 2 })).map((o) => o.status)).toEqual([200, 200]);
      await drain();
      const stored = await messageByProviderId(top.comment.id);
      expect(stored).toHaveLength(1);
      convId = stored[0]?.conversation_id ?? '';
      const follow = comment({ from: ana, text: 'Photos attached, please help', parentCommentId: top.comment.id });
      replyCommentId = follow.comment.id;
      await meta.deliver(channels[platform].url, follow.payload);
      await drain();
      expect((await messageByProviderId(replyCommentId))[0]?.conversation_id).toBe(convId);
    });

    it(`${platform}: delivers a public reply under the customer's latest comment and records its id`, async () => {
      const id = await reply(convId, `Sorry Ana, a replacement ships today (${platform}).`, 'public');
      await drain();
      const sent = meta.sent.filter((s) => s.text === `Sorry Ana, a replacement ships today (${platform}).`);
      expect(sent).toEqual([expect.objectContaining({ kind: 'comment-reply', platform, parentCommentId: replyCommentId })]);
      expect(await message(id)).toMatchObject({ delivery_status: 'sent', provider_message_id: sent[0]?.id });
    });

    let dmConvId = '';
    let personId = '';
    it(`${platform}: threads DMs by person and answers to the sender's id inside the 24-hour window`, async () => {
      const leo = meta.addPerson({ name: 'Leo Park', platform });
      personId = leo.id;
      const first = dm({ from: leo, text: 'Can you check my booking?' });
      await meta.deliver(channels[platform].url, first.payload, { times: 2 });
      const second = dm({ from: leo, text: 'Reference is QX7P2' });
      await meta.deliver(channels[platform].url, second.payload);
      await drain();
      const a = await messageByProviderId(first.mid);
      const c = await messageByProviderId(second.mid);
      expect(a).toHaveLength(1);
      expect(c[0]?.conversation_id).toBe(a[0]?.conversation_id);
      dmConvId = a[0]?.conversation_id ?? '';
      const id = await reply(dmConvId, `Found it (${platform}): you are confirmed on seat 12A.`, 'private');
      await drain();
      const sent = meta.sent.filter((s) => s.kind === 'message' && s.text === `Found it (${platform}): you are confirmed on seat 12A.`);
      // The job row rides along so a failure shows why the message did not go out.
      expect({ sent, job: await deliverJobOf(id) }).toEqual({ sent: [expect.objectContaining({ recipientId: leo.id, messagingType: 'RESPONSE', tag: null })], job: expect.objectContaining({ state: 'done' }) });
      expect((await message(id)).provider_message_id).toBe(sent[0]?.id);
    });

    it(`${platform}: outside 24 hours an agent's DM goes out with HUMAN_AGENT; after 7 days it fails with the reason shown`, async () => {
      await t.core.db.updateTable('conversations').set({ last_inbound_at: new Date(Date.now() - 2 * 86_400_000) }).where('id', '=', dmConvId).execute();
      await reply(dmConvId, `Following up on your booking (${platform}).`, 'private');
      await drain();
      expect(meta.sent.filter((s) => s.kind === 'message' && s.text === `Following up on your booking (${platform}).`)).toEqual([
        expect.objectContaining({ recipientId: personId, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }),
      ]);
      await t.core.db.updateTable('conversations').set({ last_inbound_at: new Date(Date.now() - 9 * 86_400_000) }).where('id', '=', dmConvId).execute();
      const late = await reply(dmConvId, `Too late to send this (${platform}).`, 'private');
      await drain();
      expect(meta.sent.filter((s) => s.text === `Too late to send this (${platform}).`)).toEqual([]);
      const detail = (await as(t.app, agent)('GET', `/api/v1/conversations/${dmConvId}`)).json<{ messages: { id: string; deliveryStatus: string; deliveryError: string | null }[] }>();
      expect(detail.messages.find((m) => m.id === late)).toMatchObject({ deliveryStatus: 'failed', deliveryError: expect.stringContaining('24-hour') });
    });

    it(`${platform}: a rate-limit answer reschedules the delivery, which then goes out once`, async () => {
      // HTTP 429 without a usage estimate: the channel's rateLimitBackoffSeconds (1 s here) applies.
      meta.failNext(1, { status: 429 });
      const text = `Rate-limited reply on ${platform}`;
      const id = await reply(convId, text, 'public');
      await t.core.worker().runOnce(); // one attempt: the rate limit
      const job = (await sql<{ state: string; run_at: Date }>`select state, run_at from jobs where name = 'message.deliver' and payload->>'messageId' = ${id}`.execute(t.core.db)).rows[0];
      expect(job?.state).toBe('queued');
      expect(meta.sent.filter((s) => s.text === text)).toEqual([]);
      expect((await message(id)).delivery_status).toBe('sending');
      await new Promise((r) => setTimeout(r, Math.max(0, (job?.run_at.getTime() ?? 0) - Date.now()) + 50));
      await drain();
      expect(meta.sent.filter((s) => s.text === text)).toHaveLength(1);
      expect((await message(id)).delivery_status).toBe('sent');
    });

    it(`${platform}: survives a Graph outage and delivers once after recovery`, async () => {
      meta.setOutage(true);
      const text = `Outage-proof reply on ${platform}`;
      const id = await reply(convId, text, 'public');
      await drain();
      expect((await message(id)).delivery_status).toBe('sending');
      meta.setOutage(false);
      await releaseDeliveries();
      await drain();
      expect(meta.sent.filter((s) => s.text === text)).toHaveLength(1);
      expect((await message(id)).delivery_status).toBe('sent');
    });
  }

  it('shows Meta usage as a percentage on the quota meter', async () => {
    const limits = (await as(t.app, agent)('GET', `/api/v1/channels/${channels.facebook.id}/limits`)).json<{ kind: string; provider: { unit?: string } | null }>();
    expect(limits).toMatchObject({ kind: 'facebook', provider: { unit: 'percent' } });
  });
});
