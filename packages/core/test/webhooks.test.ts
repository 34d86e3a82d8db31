import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { EarshotError } from '@earshot/domain';
import { LocalEventBus, systemActor, transact, WebhookService, type Actor, type DeskEvent, type Worker } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';
import { WebhookReceiver } from '../../../test/support/webhook-receiver';

const FAILURE_LIMIT = 10;

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

describeEachDb('outbound webhooks', (kind) => {
  let t: TestCore;
  let a: SeededBrand;
  let b: SeededBrand;
  let worker: Worker;
  let adminA: Actor;
  let adminB: Actor;
  const receivers: WebhookReceiver[] = [];
  const deskEvents: DeskEvent[] = [];

  beforeAll(async () => {
    // Fast retries, and a low auto-disable threshold, so the failure paths run in a second.
    t = await createTestCore(kind, { webhooks: { allowPrivate: true, retryDelayMs: () => 20, failureLimit: FAILURE_LIMIT, maxAttempts: 12, timeoutMs: 2_000 } });
    a = await seedBrand(t.core, 'hooka');
    b = await seedBrand(t.core, 'hookb');
    adminA = { ...systemActor(a.brandId), type: 'user', id: a.adminId, userId: a.adminId, role: 'admin' };
    adminB = { ...systemActor(b.brandId), type: 'user', id: b.adminId, userId: b.adminId, role: 'admin' };
    worker = t.core.worker();
    t.core.bus.subscribe((e) => { if (e.type.startsWith('webhook.')) deskEvents.push(e); });
  });
  afterAll(async () => {
    for (const r of receivers) await r.stop().catch(() => undefined);
    await t?.drop();
  });

  async function receiver(): Promise<WebhookReceiver> {
    const r = await WebhookReceiver.start();
    receivers.push(r);
    return r;
  }

  let seq = 0;
  async function inbound(brand: SeededBrand, text: string, author = 'cust-1'): Promise<void> {
    seq += 1;
    const d = apiDelivery(brand.apiSecret, [{ id: `${brand.slug}-${seq}`, author, text }]);
    await t.core.ingest.receive(brand.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
  }

  /** Runs the worker until `done()` holds (bus wake-ups and retries are asynchronous), or fails after `ms`. */
  async function until(done: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      await worker.drain();
      if (await done()) return;
      if (Date.now() > end) throw new Error('condition not reached in time');
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const deliveriesOf = async (subscriptionId: string) => (await t.core.webhooks.deliveries(adminA, subscriptionId, { limit: 200 })).items;

  it('returns the secret once, keeps it sealed, and audits the change without it', async () => {
    const r = await receiver();
    const created = await t.core.webhooks.create(adminA, { url: r.url, events: ['conversation.created'], description: 'CRM sync' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.subscription).toMatchObject({ url: r.url, events: ['conversation.created'], enabled: true, description: 'CRM sync' });
    expect(JSON.stringify(await t.core.webhooks.get(adminA, created.subscription.id))).not.toContain(created.secret);
    expect(JSON.stringify(await t.core.webhooks.list(adminA))).not.toContain(created.secret);
    const row = await t.core.db.selectFrom('webhook_subscriptions').select('secret_enc').where('id', '=', created.subscription.id).executeTakeFirstOrThrow();
    expect(row.secret_enc).not.toContain(created.secret);
    expect(t.core.box.open(row.secret_enc)).toBe(created.secret);
    const rotated = await t.core.webhooks.rotateSecret(adminA, created.subscription.id);
    expect(rotated.secret).not.toBe(created.secret);
    const audit = await t.core.db.selectFrom('audit_events').select(['action', 'before', 'after']).where('brand_id', '=', a.brandId).where('subject_type', '=', 'webhook').orderBy('seq').execute();
    expect(audit.map((x) => x.action)).toEqual(['webhook.created', 'webhook.secret_rotated']);
    expect(JSON.stringify(audit)).not.toContain(created.secret);
    expect(JSON.stringify(audit)).not.toContain(rotated.secret);
    await t.core.webhooks.remove(adminA, created.subscription.id);
    expect(await t.core.webhooks.list(adminA)).toEqual([]);
  });

  it('delivers each subscribed event once, signed, through the bus wake-up, and never twice', async () => {
    const r = await receiver();
    const { subscription, secret } = await t.core.webhooks.create(adminA, { url: r.url, events: ['conversation.created', 'message.received', 'conversation.assigned', 'conversation.resolved', 'message.sent', 'message.delivered'] });
    r.secret = secret;
    await inbound(a, 'My order never arrived', 'ann');
    await inbound(a, 'Still waiting for my parcel', 'ann');
    await inbound(b, 'brand b customer', 'bob'); // another brand: never reaches A's receiver
    await until(async () => r.accepted.length >= 3);
    const conv = await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', a.brandId).executeTakeFirstOrThrow();
    await t.core.conversations.assign(adminA, conv.id, a.agentId);
    await t.core.conversations.reply(adminA, conv.id, { text: 'Sorry! We are on it.', visibility: 'public' });
    await t.core.conversations.setStatus(adminA, conv.id, 'resolved');
    await until(async () => r.accepted.length >= 7);
    // Extra fan-outs (another process's wake-up, the sweep) find nothing new.
    await t.core.webhooks.requestFanout(a.brandId);
    await until(async () => (await deliveriesOf(subscription.id)).every((d) => d.state === 'delivered'));
    await new Promise((res) => setTimeout(res, 100));
    await worker.drain();

    expect(r.requests.every((x) => x.signature === 'ok')).toBe(true);
    expect(r.requests.map((x) => x.type).sort()).toEqual(['conversation.assigned', 'conversation.created', 'conversation.resolved', 'message.delivered', 'message.received', 'message.received', 'message.sent']);
    expect(new Set(r.requests.map((x) => x.eventId)).size).toBe(r.requests.length);
    expect(r.requests.every((x) => x.body.brandId === a.brandId)).toBe(true);
    const assigned = r.requests.find((x) => x.type === 'conversation.assigned');
    expect(assigned?.body).toMatchObject({ conversationId: conv.id, data: { assigneeId: a.agentId }, previous: { assigneeId: null }, actor: { type: 'user', id: a.adminId } });
    // Every event names its conversation, the delivery confirmation too.
    expect(r.requests.every((x) => x.body.conversationId === conv.id)).toBe(true);
    const sent = r.requests.find((x) => x.type === 'message.sent');
    expect(r.requests.find((x) => x.type === 'message.delivered')?.body.messageId).toBe(sent?.body.messageId);
    const deliveries = await deliveriesOf(subscription.id);
    expect(deliveries).toHaveLength(7);
    expect(deliveries.every((d) => d.state === 'delivered' && d.attempts === 1 && d.log.length === 1 && d.log[0]?.statusCode === 200)).toBe(true);
    await t.core.webhooks.update(adminA, subscription.id, { enabled: false });
  });

  it('retries through a receiver outage (500s, then refused connections) and delivers once it is back', async () => {
    const r = await receiver();
    const { subscription, secret } = await t.core.webhooks.create(adminA, { url: r.url, events: ['conversation.created', 'message.received'] });
    r.secret = secret;
    r.failNext = 2;
    await inbound(a, 'first during the outage', 'carl');
    await until(async () => r.accepted.length === 2);
    const first = await deliveriesOf(subscription.id);
    expect(first.map((d) => d.state)).toEqual(['delivered', 'delivered']);
    expect(first.flatMap((d) => d.log.map((l) => l.statusCode)).sort()).toEqual([200, 200, 500, 500]);
    expect(first.flatMap((d) => d.log).filter((l) => l.statusCode === 500).map((l) => l.responseExcerpt)).toEqual(['receiver is down for maintenance', 'receiver is down for maintenance']);

    // Down: connections refused. Attempts fail and are logged; nothing is delivered until it listens again.
    await r.stop();
    await inbound(a, 'second during the outage', 'dora');
    // One worker round at a time (drain would keep retrying every 20 ms): stop at the first refused attempt.
    for (let i = 0; !(await deliveriesOf(subscription.id)).some((d) => d.log.some((l) => l.statusCode === null)); i++) {
      if (i > 500) throw new Error('no refused attempt logged');
      await worker.runOnce();
      await new Promise((res) => setTimeout(res, 5));
    }
    expect((await t.core.webhooks.get(adminA, subscription.id)).enabled).toBe(true);
    await r.listen();
    await until(async () => r.accepted.length === 4);
    const all = await deliveriesOf(subscription.id);
    expect(all).toHaveLength(4);
    expect(all.every((d) => d.state === 'delivered')).toBe(true);
    const refused = all.flatMap((d) => d.log).find((l) => l.statusCode === null);
    expect(refused?.error).toMatch(/could not connect|ECONNREFUSED/);
    expect(new Set(r.accepted).size).toBe(4);
    expect((await t.core.webhooks.get(adminA, subscription.id)).consecutiveFailures).toBe(0);
    await t.core.webhooks.update(adminA, subscription.id, { enabled: false });
  });

  it('disables a subscription after repeated failures, with an audit entry and a desk event; an admin re-enables it and redelivers', async () => {
    const r = await receiver();
    const { subscription, secret } = await t.core.webhooks.create(adminA, { url: r.url, events: ['message.received'] });
    r.secret = secret;
    r.mode = 'fail';
    await inbound(a, 'nobody hears this one', 'eve');
    await until(async () => !(await t.core.webhooks.get(adminA, subscription.id)).enabled);
    const view = await t.core.webhooks.get(adminA, subscription.id);
    expect(view).toMatchObject({ enabled: false, consecutiveFailures: FAILURE_LIMIT });
    expect(view.disabledReason).toContain(`${FAILURE_LIMIT} delivery attempts in a row failed`);
    const audit = await t.core.db.selectFrom('audit_events').select(['action', 'actor_type']).where('brand_id', '=', a.brandId).where('subject_id', '=', subscription.id).where('action', '=', 'webhook.disabled').execute();
    expect(audit).toEqual([{ action: 'webhook.disabled', actor_type: 'system' }]);
    expect(deskEvents.filter((e) => e.type === 'webhook.disabled' && e.data?.webhookId === subscription.id)).toHaveLength(1);
    const [failed] = await deliveriesOf(subscription.id);
    expect(failed?.attempts).toBe(FAILURE_LIMIT);
    expect(failed?.state).toBe('pending');
    expect(r.accepted).toEqual([]);

    // Events while disabled make no deliveries.
    await inbound(a, 'while it is off', 'fred');
    await t.core.webhooks.requestFanout(a.brandId);
    await new Promise((res) => setTimeout(res, 60)); // the retry already queued finds the subscription disabled
    await until(async () => true);
    expect(await deliveriesOf(subscription.id)).toHaveLength(1);
    await expect(t.core.webhooks.redeliver(adminA, subscription.id, failed?.id ?? '')).rejects.toMatchObject({ code: 'EARSHOT_INVALID_STATE' });

    // Fixed and re-enabled: a manual redelivery sends the same event, signed with the current secret.
    r.mode = 'ok';
    await t.core.webhooks.update(adminA, subscription.id, { enabled: true });
    const again = await t.core.webhooks.redeliver(adminA, subscription.id, failed?.id ?? '');
    expect(again.id).toBe(failed?.id);
    await until(async () => r.accepted.length === 1);
    const after = await t.core.webhooks.delivery(adminA, subscription.id, failed?.id ?? '');
    expect(after.state).toBe('delivered');
    expect(after.log.at(-1)).toMatchObject({ manual: true, statusCode: 200 });
    expect(r.accepted).toEqual([failed?.payload.id]);
    // Redelivering a delivered event sends it again; the receiver recognises the id.
    await t.core.webhooks.redeliver(adminA, subscription.id, failed?.id ?? '');
    await until(async () => r.requests.filter((x) => x.eventId === failed?.payload.id).length === FAILURE_LIMIT + 2);
    expect(r.accepted).toEqual([failed?.payload.id]);
    expect((await t.core.webhooks.get(adminA, subscription.id)).consecutiveFailures).toBe(0);
    await t.core.webhooks.update(adminA, subscription.id, { enabled: false });
  });

  it('keeps every brand to its own subscriptions and deliveries', async () => {
    const r = await receiver();
    const { subscription } = await t.core.webhooks.create(adminA, { url: r.url, events: ['message.received'] });
    const [delivery] = (await t.core.db.selectFrom('webhook_deliveries').select('id').where('brand_id', '=', a.brandId).limit(1).execute());
    expect(await t.core.webhooks.list(adminB)).toEqual([]);
    const id = subscription.id;
    const attempts: [string, () => Promise<unknown>][] = [
      ['get', () => t.core.webhooks.get(adminB, id)],
      ['update', () => t.core.webhooks.update(adminB, id, { url: 'http://127.0.0.1:9/stolen', enabled: false })],
      ['rotate', () => t.core.webhooks.rotateSecret(adminB, id)],
      ['deliveries', () => t.core.webhooks.deliveries(adminB, id, {})],
      ['redeliver', () => t.core.webhooks.redeliver(adminB, id, delivery?.id ?? '')],
      ['remove', () => t.core.webhooks.remove(adminB, id)],
    ];
    for (const [name, call] of attempts) {
      await expect(call(), name).rejects.toMatchObject({ code: 'EARSHOT_WEBHOOK_NOT_FOUND' });
    }
    // A's delivery id under B's own subscription is not found either.
    const own = await t.core.webhooks.create(adminB, { url: r.url, events: ['message.received'] });
    await expect(t.core.webhooks.redeliver(adminB, own.subscription.id, delivery?.id ?? '')).rejects.toMatchObject({ code: 'EARSHOT_WEBHOOK_NOT_FOUND' });
    expect(await t.core.webhooks.get(adminA, id)).toMatchObject({ url: r.url, enabled: true });
    await t.core.webhooks.remove(adminA, id);
    await t.core.webhooks.remove(adminB, own.subscription.id);
  });

  it('refuses bad and private URLs with coded errors unless the operator allows private targets', async () => {
    const before = (await t.core.webhooks.list(adminA)).length;
    const strict = new WebhookService(t.core.db, new LocalEventBus(), t.core.box, t.core.clock, () => undefined, { allowPrivate: false });
    const refused = ['https://127.0.0.1/x', 'https://localhost:8443/x', 'https://[::1]/x', 'https://10.1.2.3/x', 'https://192.168.0.10/', 'https://172.16.5.4/',
      'https://169.254.169.254/latest/meta-data', 'https://[fd00::1]/', 'https://[fe80::1]/', 'https://[::ffff:127.0.0.1]/', 'https://0.0.0.0/', 'https://100.64.0.1/', 'https://203.0.113.10/test-net', 'http://1.1.1.1/plain-http'];
    for (const url of refused) {
      const err = await strict.create(adminA, { url, events: ['message.received'] }).then(() => null, (e: unknown) => e);
      expect([url, err instanceof EarshotError ? err.code : String(err)]).toEqual([url, 'EARSHOT_WEBHOOK_URL_REFUSED']);
    }
    for (const url of ['not a url', 'ftp://example.com/x', 'https://user:pw@example.com/x']) {
      await expect(strict.create(adminA, { url, events: ['message.received'] }), url).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION', field: 'body.url' });
    }
    expect(await strict.list(adminA)).toHaveLength(before);
    // A public literal address passes the check (nothing is sent to it here).
    const ok = await strict.create(adminA, { url: 'https://1.1.1.1/hooks', events: ['message.received'], enabled: false });
    expect(ok.subscription.url).toBe('https://1.1.1.1/hooks');
    await expect(strict.update(adminA, ok.subscription.id, { url: 'https://[::1]:8443/' })).rejects.toMatchObject({ code: 'EARSHOT_WEBHOOK_URL_REFUSED' });
    await strict.remove(adminA, ok.subscription.id);
  });

  it('catches up on an event whose wake-up was lost (the process died right after the commit) with the sweep', async () => {
    const r = await receiver();
    // A service on a bus that hears nothing, sweeping after 50 ms: only the sweep can find the event.
    // A brand of its own: no sweep of it is scheduled yet (another fan-out's would be 5 minutes away).
    const c = await seedBrand(t.core, 'hookc');
    const adminC: Actor = { ...systemActor(c.brandId), type: 'user', id: c.adminId, userId: c.adminId, role: 'admin' };
    await inbound(c, 'a conversation for the sweep', 'sweepy');
    await until(async () => (await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', c.brandId).execute()).length > 0);
    const conv = await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', c.brandId).executeTakeFirstOrThrow();
    const deaf = new WebhookService(t.core.db, new LocalEventBus(), t.core.box, t.core.clock, () => undefined, { allowPrivate: true, sweepMs: 50 });
    const { subscription, secret } = await deaf.create(adminC, { url: r.url, events: ['conversation.priority_changed'] });
    r.secret = secret;
    // The change's own transaction writes the audit row; no desk event is published.
    await transact(t.core.db, async (uow) => {
      uow.record({ brandId: c.brandId, actorType: 'system', actorId: 'test', action: 'conversation.priority_changed', subjectType: 'conversation', subjectId: conv.id, before: { priority: 'normal' }, after: { priority: 'urgent' }, at: new Date() });
    });
    await new Promise((res) => setTimeout(res, 80));
    await until(async () => r.accepted.length === 1);
    expect(r.requests[0]?.body).toMatchObject({ type: 'conversation.priority_changed', conversationId: conv.id, data: { priority: 'urgent' }, previous: { priority: 'normal' } });
    await t.core.webhooks.remove(adminC, subscription.id);
  });

  it('keeps its delivery log per attempt and pages through it', async () => {
    const r = await receiver();
    const { subscription, secret } = await t.core.webhooks.create(adminA, { url: r.url, events: ['message.received'] });
    r.secret = secret;
    for (let i = 0; i < 3; i++) await inbound(a, `page ${i}`, `pager-${i}`);
    await until(async () => r.accepted.length === 3);
    const p1 = await t.core.webhooks.deliveries(adminA, subscription.id, { limit: 2 });
    expect(p1.items).toHaveLength(2);
    const p2 = await t.core.webhooks.deliveries(adminA, subscription.id, { limit: 2, cursor: p1.nextCursor ?? '' });
    expect(p2.items).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();
    expect(new Set([...p1.items, ...p2.items].map((d) => d.id)).size).toBe(3);
    const n = await sql<{ n: string }>`select count(*) as n from webhook_attempts where brand_id = ${a.brandId} and delivery_id = any(${[...p1.items, ...p2.items].map((d) => d.id)}::uuid[])`.execute(t.core.db);
    expect(Number(n.rows[0]?.n)).toBe(3);
    await t.core.webhooks.remove(adminA, subscription.id);
  });
});
