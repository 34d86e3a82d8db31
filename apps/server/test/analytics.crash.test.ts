import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, sql, type DbHandle } from '@earshot/db';
import { Core, signApiBody } from '@earshot/core';
import { createTestDb, describeEachDb, type TestDb } from '../../../test/support/db';
import { seedBrand, TEST_SECRET_KEY, type SeededBrand } from '../../../test/support/core';
import { freePort, startEarshot } from '../../../test/support/earshot-process';
import { expectRollupsMatchRecomputation } from '../../../test/support/analytics';

/**
 * kill -9 the whole process while customers write and the brand's replies come back (echoes), at
 * random moments, so some kills land inside an analytics catch-up. The rollups a crash left behind,
 * caught up from their stored cursor, equal a recomputation from the raw rows: no delta was applied
 * twice or half.
 */
describeEachDb('analytics rollups across kill -9', (kind) => {
  let db: TestDb;
  let b: SeededBrand;
  let child: ChildProcess | null = null;
  const exited = new Map<ChildProcess, Promise<void>>();
  let sent = 0;

  beforeAll(async () => {
    db = await createTestDb(kind, { poolSize: 2 });
    const core = await Core.create({ handle: db.handle, secretKey: TEST_SECRET_KEY, analytics: { live: false } });
    b = await seedBrand(core, 'rollcrash');
    await core.bus.close();
    await db.handle.close(); // the embedded database allows one process at a time
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await db?.drop();
  });

  async function post(port: number, lane: number): Promise<void> {
    const n = sent++;
    const cust = `cust-${lane}-${n % 7}`;
    // Customers write; every third event is the brand's reply to the lane's previous message (an echo).
    const echo = n % 3 === 2;
    const message = echo
      ? { providerMessageId: `r-${n}`, direction: 'outbound', replyToProviderId: `m-${n - 1}`, visibility: 'public', author: { externalId: 'brand' }, text: `reply ${n}`, sentAt: new Date().toISOString() }
      : { providerMessageId: `m-${n}`, visibility: n % 5 === 0 ? 'private' : 'public', threadKey: n % 5 === 0 ? `dm:${cust}` : null, author: { externalId: cust }, text: `my parcel ${n} is late`, sentAt: new Date().toISOString() };
    const body = JSON.stringify({ events: [{ id: `evt-${n}`, message }] });
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/channels/${b.apiChannelId}/events`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-earshot-signature': signApiBody(b.apiSecret, body) }, body,
    });
    if (r.status !== 200) throw new Error(`unexpected ${r.status}`);
  }

  async function pump(port: number, ms: number): Promise<void> {
    const until = Date.now() + ms;
    const lane = async (i: number) => {
      while (Date.now() < until) {
        try { await post(port, i); } catch { return; } // killed mid-request
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await Promise.all([lane(0), lane(1)]);
  }

  it('keeps the rollups equal to a recomputation after repeated kill -9', async () => {
    for (let round = 0; round < 4; round++) {
      const port = await freePort();
      const started = await startEarshot(db, port);
      child = started.child;
      exited.set(child, started.exited);
      const pumping = pump(port, 60_000);
      // Past the catch-up's 2 s debounce, so kills fall before, inside and after catch-ups.
      await new Promise((r) => setTimeout(r, 2000 + Math.floor(Math.random() * 2500)));
      child.kill('SIGKILL');
      await pumping;
      await exited.get(child);
      child = null;
    }
    const h: DbHandle = db.url ? await openDatabase({ url: db.url }) : await openDatabase({ dataDir: db.dataDir ?? '' });
    try {
      const cursor = Number((await sql<{ n: string }>`select coalesce(max(last_seq), 0) as n from analytics_cursors where brand_id = ${b.brandId}`.execute(h.db)).rows[0]?.n);
      // The catch-up job ran in the killed processes (it is what is being tested).
      expect(cursor).toBeGreaterThan(0);
      const core = await Core.create({ handle: h, secretKey: TEST_SECRET_KEY, analytics: { live: false } });
      // Whatever the last process had not processed yet, then the rest of the trail from the stored cursor.
      const w = core.worker();
      await w.drain();
      await core.analytics.catchUp(b.brandId);
      expect(Number((await sql<{ n: string }>`select count(*) as n from messages where brand_id = ${b.brandId}`.execute(h.db)).rows[0]?.n)).toBeGreaterThan(20);
      await expectRollupsMatchRecomputation(h.db, b.brandId);
      await w.stop();
      await core.bus.close();
    } finally {
      await h.close();
    }
  }, 300_000);
});
