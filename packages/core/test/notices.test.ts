import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor, type Actor, type Worker } from '@earshot/core';
import { startXFakeServer, type XFakeServer } from '../src/channels/index';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';

function req(body: string | Buffer, headers: Record<string, string>) {
  return { method: 'POST', headers, query: {}, rawBody: Buffer.from(body) };
}

const X_PUBLIC = 40;
const X_DMS = 20;
const API = 240;

describeEachDb('incident notices and bulk replies', (kind) => {
  let t: TestCore;
  let a: SeededBrand;
  let x: XFakeServer;
  let xChannel = '';
  let worker: Worker;
  let agent: Actor;
  let agency: Actor;
  const conversations: string[] = [];

  beforeAll(async () => {
    t = await createTestCore(kind);
    a = await seedBrand(t.core, 'notice');
    agent = { ...systemActor(a.brandId), type: 'user', id: a.agentId, userId: a.agentId, role: 'agent' };
    agency = { ...systemActor(a.brandId), type: 'user', id: a.agencyId, userId: a.agencyId, role: 'agency_agent' };
    worker = t.core.worker();
    x = await startXFakeServer();
    // X's real windows for posts and DMs (the fake's defaults) would hold the third update for 15 minutes: the
    // queue waits correctly, the test should not. The injected 429 below still interrupts the run.
    x.setRateLimit('tweets', 10_000);
    x.setRateLimit('dm', 10_000);
    xChannel = (await t.core.channels.create(systemActor(a.brandId), { kind: 'x', name: 'X', credentials: { ...x.credentials }, settings: { apiBaseUrl: x.url, userId: x.brand.id } })).channel.id;
    for (let i = 0; i < X_PUBLIC + X_DMS; i++) {
      const from = x.addCustomer({ username: `cust${i}` });
      const payload = i < X_PUBLIC ? x.mention({ from, text: `@brand my line ${i} is dead` }).payload : x.dm({ from, text: `no signal here (${i})` }).payload;
      const s = x.sign(payload);
      await t.core.ingest.receive(xChannel, req(s.body, s.headers), JSON.parse(s.body.toString('utf8')));
    }
    const d = apiDelivery(a.apiSecret, Array.from({ length: API }, (_, i) => ({ id: `api-${i}`, author: `web-${i}`, text: `outage in area ${i}`, visibility: 'private' as const })));
    await t.core.ingest.receive(a.apiChannelId, req(d.body, { 'x-earshot-signature': d.signature }), JSON.parse(d.body));
    await worker.drain();
    conversations.push(...(await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', a.brandId).orderBy('id').execute()).map((c) => c.id));
  }, 300_000);
  afterAll(async () => {
    await x?.close();
    await t?.drop();
  });

  async function until(done: () => Promise<boolean>, ms = Number(process.env.NOTICE_WAIT_MS ?? 300_000)): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      await worker.drain();
      if (await done()) return;
      if (Date.now() > end) {
        const jobs = await t.core.db.selectFrom('jobs').select(['state', 'last_error', (eb) => eb.fn.countAll<string>().as('n')]).where('name', '=', 'message.deliver').groupBy(['state', 'last_error']).execute();
        const msgs = await t.core.db.selectFrom('messages').select(['delivery_status', 'delivery_error', (eb) => eb.fn.countAll<string>().as('n')]).where('idempotency_key', 'like', 'notice:%').groupBy(['delivery_status', 'delivery_error']).execute();
        throw new Error(`condition not reached in time; deliver jobs: ${JSON.stringify(jobs)}; notice messages: ${JSON.stringify(msgs)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('posts an incident update to all 300 linked customers once, through a rate limit, and retries failures only', async () => {
    expect(conversations).toHaveLength(X_PUBLIC + X_DMS + API);
    const incident = await t.core.incidents.create(agent, { title: 'Fibre outage, north' });
    await t.core.db.insertInto('conversation_incidents').values(conversations.map((id) => ({ brand_id: a.brandId, conversation_id: id, incident_id: incident.id }))).execute();
    // X answers 429 in the middle of the run (reset in 1 s), then two permanent refusals.
    x.failNext(1, { status: 429, resetInSeconds: 1 }, 10);
    const posted = await t.core.notices.postIncidentUpdate(agent, incident.id, { text: 'Hi {{first_name}}, engineers are on site; service should be back by 18:00.', idempotencyKey: 'upd-1' });
    expect(posted.progress).toMatchObject({ total: 300, queued: 300, sent: 0 });
    // Posting the same update again (a double click) is the same update.
    const again = await t.core.notices.postIncidentUpdate(agent, incident.id, { text: 'Hi {{first_name}}, engineers are on site; service should be back by 18:00.', idempotencyKey: 'upd-1' });
    expect(again.id).toBe(posted.id);
    await until(async () => (await t.core.notices.batch(agent, posted.id)).progress.queued === 0);
    const done = await t.core.notices.batch(agent, posted.id);
    expect(done.progress).toMatchObject({ total: 300, sent: 300, failed: 0, skipped: 0 });
    // Exactly one provider send per X customer: public replies under each mention, DMs to each participant.
    const posts = x.sent.filter((s) => s.kind === 'post');
    const dms = x.sent.filter((s) => s.kind === 'dm');
    expect(posts).toHaveLength(X_PUBLIC);
    expect(dms).toHaveLength(X_DMS);
    expect(new Set(posts.map((p) => (p as { inReplyToTweetId: string }).inReplyToTweetId)).size).toBe(X_PUBLIC);
    expect(new Set(dms.map((p) => (p as { participantId: string }).participantId)).size).toBe(X_DMS);
    expect(posts.filter((p) => !/^@cust\d+ Hi \S+, engineers are on site/.test(p.text)).map((p) => p.text)).toEqual([]);
    const messages = await t.core.db.selectFrom('messages').select(['conversation_id']).where('brand_id', '=', a.brandId).where('idempotency_key', 'like', `notice:${posted.id}:%`).execute();
    expect(messages).toHaveLength(300);
    expect(new Set(messages.map((m) => m.conversation_id)).size).toBe(300);

    // Two refusals: they show as failed with X's reason; a retry sends those two only.
    const before = x.sent.length;
    x.failNext(2, { status: 403 });
    const second = await t.core.notices.postIncidentUpdate(agent, incident.id, { text: 'Update: crews found the cut cable; repair under way.' });
    await until(async () => (await t.core.notices.batch(agent, second.id)).progress.queued === 0);
    const failedOnes = await t.core.notices.notices(agent, second.id, 'failed');
    expect(failedOnes).toHaveLength(2);
    expect(failedOnes[0]).toMatchObject({ channelKind: 'x', status: 'failed' });
    expect(failedOnes[0]!.reason).toBeTruthy();
    expect(x.sent.length - before).toBe(X_PUBLIC + X_DMS - 2);
    const retried = await t.core.notices.retryFailed(agent, second.id);
    expect(retried.retried).toBe(2);
    await until(async () => (await t.core.notices.batch(agent, second.id)).progress.queued === 0);
    expect((await t.core.notices.batch(agent, second.id)).progress).toMatchObject({ sent: 300, failed: 0 });
    expect(x.sent.length - before).toBe(X_PUBLIC + X_DMS);
    expect((await t.core.notices.retryFailed(agent, second.id)).retried).toBe(0);

    // Resolution notice: the incident and its conversations are resolved.
    const resolution = await t.core.notices.postIncidentUpdate(agent, incident.id, { text: 'Fixed: service is back. Sorry for the trouble.', resolve: true });
    expect(resolution.kind).toBe('incident_resolution');
    expect((await t.core.incidents.get(agent, incident.id)).status).toBe('resolved');
    const open = await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', a.brandId).where('status', '!=', 'resolved').execute();
    expect(open).toHaveLength(0);
    await until(async () => (await t.core.notices.batch(agent, resolution.id)).progress.queued === 0);
    await expect(t.core.notices.postIncidentUpdate(agent, incident.id, { text: 'late' })).rejects.toMatchObject({ code: 'EARSHOT_INVALID_STATE' });
    expect((await t.core.notices.incidentBatches(agent, incident.id)).map((b) => b.kind)).toEqual(['incident_resolution', 'incident_update', 'incident_update']);
  }, 900_000);

  it('answers an inbox selection: a public repeat needs confirming, agency public replies wait for approval', async () => {
    const publicOnes = (await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', a.brandId).where('channel_id', '=', xChannel).where('last_inbound_public', '=', true).orderBy('id').limit(3).execute()).map((c) => c.id);
    // Two whose customer last wrote privately (a DM): chosen by that, not by position (ids are random).
    const privateOnes = (await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', a.brandId).where('last_inbound_public', '=', false).orderBy('id').limit(2).execute()).map((c) => c.id);
    expect(privateOnes).toHaveLength(2);
    await expect(t.core.notices.bulkReply(agent, { conversationIds: publicOnes, text: 'We are sorry, please DM us' })).rejects.toMatchObject({ code: 'EARSHOT_CONFLICT', details: { publicCount: 3 } });
    await expect(t.core.notices.bulkReply(agent, { conversationIds: [...privateOnes, '00000000-0000-4000-8000-000000000000'], text: 'x' })).rejects.toMatchObject({ code: 'EARSHOT_CONVERSATION_NOT_FOUND' });
    const byAgency = await t.core.notices.bulkReply(agency, { conversationIds: [...publicOnes, ...privateOnes], text: 'Thanks {{first_name}}, we are on it.', acknowledgeRepeat: true });
    expect(byAgency.progress).toMatchObject({ total: 5, awaitingApproval: 3, queued: 2 });
    const waiting = await t.core.db.selectFrom('messages').select(['id', 'conversation_id']).where('brand_id', '=', a.brandId).where('delivery_status', '=', 'awaiting_approval').execute();
    expect(waiting.map((m) => m.conversation_id).sort()).toEqual([...publicOnes].sort());
    await t.core.conversations.approve(agent, waiting[0]!.conversation_id, waiting[0]!.id);
    await until(async () => (await t.core.notices.batch(agent, byAgency.id)).progress.queued === 0);
    expect((await t.core.notices.batch(agent, byAgency.id)).progress).toMatchObject({ sent: 3, awaitingApproval: 2 });
  }, 300_000);
});
