import type { ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, sql, type DbHandle } from '@earshot/db';
import { Core, signApiBody, systemActor, verifyWebhookSignature } from '@earshot/core';
import { createTestDb, describeEachDb, type TestDb } from '../../../test/support/db';
import { seedBrand, TEST_SECRET_KEY, type SeededBrand } from '../../../test/support/core';
import { freePort, startEarshot } from '../../../test/support/earshot-process';

/**
 * kill -9 the Earshot process while it is in the middle of POSTing a webhook (the receiver holds
 * every answer for a moment), restart it, repeat. Afterwards the receiver — which verifies each
 * signature and dedupes on the event id, as docs/webhooks.md asks — has every event exactly once,
 * and the request that was cut off was sent again (at least once, never lost).
 */
describeEachDb('webhooks across kill -9', (kind) => {
  let db: TestDb;
  let b: SeededBrand;
  let secret = '';
  let child: ChildProcess | null = null;
  const exited = new Map<ChildProcess, Promise<void>>();
  let receiver: Server;
  let receiverUrl = '';
  let inFlight = 0;
  const seen: string[] = []; // every request's event id, in arrival order
  const accepted = new Set<string>();
  let badSignatures = 0;
  const acked: string[] = [];

  beforeAll(async () => {
    receiver = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (!verifyWebhookSignature(secret, req.headers['earshot-signature'] as string | undefined, raw, Date.now() / 1000).ok) { badSignatures += 1; res.writeHead(401).end(); return; }
        const id = String((JSON.parse(raw.toString('utf8')) as { id?: unknown }).id);
        seen.push(id);
        inFlight += 1;
        // The receiver works for a moment before it answers: the window the kill aims at.
        setTimeout(() => {
          inFlight -= 1;
          accepted.add(id);
          res.writeHead(200).end('ok');
        }, 150);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/earshot`;

    db = await createTestDb(kind, { poolSize: 2 });
    const core = await Core.create({ handle: db.handle, secretKey: TEST_SECRET_KEY, webhooks: { allowPrivate: true } });
    b = await seedBrand(core, 'hookcrash');
    const created = await core.webhooks.create({ ...systemActor(b.brandId), userId: b.adminId }, { url: receiverUrl, events: ['conversation.created', 'message.received'] });
    secret = created.secret;
    await core.bus.close();
    await db.handle.close(); // the embedded database allows one process at a time
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
    await db?.drop();
  });

  async function withDb<T>(fn: (h: DbHandle) => Promise<T>): Promise<T> {
    const h = db.url ? await openDatabase({ url: db.url }) : await openDatabase({ dataDir: db.dataDir ?? '' });
    try { return await fn(h); } finally { await h.close(); }
  }

  async function startChild(port: number): Promise<ChildProcess> {
    const started = await startEarshot(db, port, { EARSHOT_WEBHOOK_ALLOW_PRIVATE: '1' });
    exited.set(started.child, started.exited);
    return started.child;
  }

  let n = 0;
  async function post(port: number, count: number): Promise<void> {
    const ids = Array.from({ length: count }, () => `w-${n++}`);
    // One customer per message: each makes a conversation.created and a message.received.
    const body = JSON.stringify({ events: ids.map((id) => ({ id: `evt-${id}`, message: { providerMessageId: id, visibility: 'public', author: { externalId: `cust-${id}` }, text: `hook ${id}`, sentAt: new Date().toISOString() } })) });
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/channels/${b.apiChannelId}/events`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-earshot-signature': signApiBody(b.apiSecret, body) }, body,
    });
    if (r.status !== 200) throw new Error(`unexpected ${r.status}`);
    acked.push(...ids);
  }

  async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('delivers every event, at least once, across kill -9 in the middle of a delivery', async () => {
    let killedMidDelivery = 0;
    for (let round = 0; round < 2; round++) {
      const port = await freePort();
      child = await startChild(port);
      const before = seen.length;
      await post(port, 8);
      // Kill while the receiver holds a request: the POST went out, its outcome was never recorded.
      await waitFor(() => seen.length >= before + 2 && inFlight > 0, 60_000, 'a delivery in flight');
      child.kill('SIGKILL');
      killedMidDelivery += 1;
      await exited.get(child);
      child = null;
      // The dead worker's lease would end after 60 s; end it now instead of waiting (time, not state, is skipped).
      await withDb((h) => sql`update jobs set locked_at = now() - interval '10 minutes' where state = 'running'`.execute(h.db));
    }
    const port = await freePort();
    child = await startChild(port);
    // A new event rings the fan-out's doorbell at once (without it the sweep catches up within 5 minutes).
    await post(port, 2);
    const expected = acked.length * 2;
    await waitFor(() => accepted.size >= expected && inFlight === 0, 120_000, `${expected} events`);
    await new Promise((r) => setTimeout(r, 500)); // nothing more arrives
    child.kill('SIGTERM');
    await exited.get(child);
    child = null;

    expect(badSignatures).toBe(0);
    expect(accepted.size).toBe(expected);
    expect(new Set(seen).size).toBe(expected);
    // The requests cut off by the kills were sent again: some event arrived twice, none went missing.
    expect(seen.length).toBeGreaterThanOrEqual(expected + 1);
    expect(killedMidDelivery).toBe(2);
    await withDb(async (h) => {
      const q = async (s: ReturnType<typeof sql<{ n: string }>>) => Number((await s.execute(h.db)).rows[0]?.n);
      expect(await q(sql`select count(*) as n from webhook_deliveries`)).toBe(expected);
      expect(await q(sql`select count(*) as n from webhook_deliveries where state = 'delivered'`)).toBe(expected);
      expect(await q(sql`select count(distinct (subscription_id, event_id)) as n from webhook_deliveries`)).toBe(expected);
      expect(await q(sql`select count(*) as n from jobs where name like 'webhook.%' and state in ('running', 'dead')`)).toBe(0);
    });
  }, 300_000);
});
