import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, sql, type DbHandle } from '@earshot/db';
import { Core, signApiBody, verifyAuditChain } from '@earshot/core';
import { createTestDb, describeEachDb, type TestDb } from '../../../test/support/db';
import { seedBrand, TEST_SECRET_KEY, type SeededBrand } from '../../../test/support/core';
import { freePort, startEarshot } from '../../../test/support/earshot-process';

/**
 * kill -9 the whole Earshot process (API and workers) at random moments while signed events pour
 * in, restart it, and repeat. Afterwards every acknowledged event is stored and processed exactly
 * once: one message each, one finished job each, one audit entry each, and the chain verifies.
 */
describeEachDb('crash and recover (kill -9)', (kind) => {
  let db: TestDb;
  let b: SeededBrand;
  let child: ChildProcess | null = null;
  const acked = new Set<string>();
  const exited = new Map<ChildProcess, Promise<void>>();
  let sent = 0;

  beforeAll(async () => {
    db = await createTestDb(kind, { poolSize: 2 });
    const core = await Core.create({ handle: db.handle, secretKey: TEST_SECRET_KEY });
    b = await seedBrand(core, 'crashy');
    await core.bus.close();
    await db.handle.close(); // the embedded database allows one process at a time
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await db?.drop();
  });

  async function startChild(port: number): Promise<ChildProcess> {
    const started = await startEarshot(db, port);
    exited.set(started.child, started.exited);
    return started.child;
  }

  async function post(port: number, ids: string[]): Promise<void> {
    const body = JSON.stringify({ events: ids.map((id) => ({ id: `evt-${id}`, message: { providerMessageId: id, visibility: 'public', author: { externalId: `cust-${Number(id.split('-')[1]) % 37}` }, text: `complaint ${id}`, sentAt: new Date().toISOString() } })) });
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/channels/${b.apiChannelId}/events`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-earshot-signature': signApiBody(b.apiSecret, body) }, body,
    });
    if (r.status === 200) for (const id of ids) acked.add(id);
    else throw new Error(`unexpected ${r.status}`);
  }

  async function pump(port: number, ms: number): Promise<void> {
    const until = Date.now() + ms;
    const lane = async () => {
      while (Date.now() < until) {
        const ids = Array.from({ length: 5 }, () => `m-${sent++}`);
        // Every tenth batch re-sends acknowledged ids: duplicates must be stored once.
        if (sent % 50 === 0 && acked.size > 10) ids.push([...acked][Math.floor(Math.random() * acked.size)] ?? 'm-0');
        try { await post(port, ids); } catch { return; } // the process was killed mid-request: not acknowledged
      }
    };
    await Promise.all([lane(), lane(), lane()]);
  }

  it('loses no acknowledged event and duplicates nothing across repeated kill -9', async () => {
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      const port = await freePort();
      child = await startChild(port);
      const killAt = 300 + Math.floor(Math.random() * 1200);
      const before = acked.size;
      const pumping = pump(port, 30_000);
      await new Promise((r) => setTimeout(r, killAt));
      // On a loaded machine the first requests may take a while: kill only once this round has had acknowledgements.
      for (let i = 0; i < 200 && acked.size < before + 10; i++) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGKILL');
      await pumping;
      await exited.get(child);
      child = null;
    }
    // Last start: let the workers finish, then stop cleanly.
    const port = await freePort();
    child = await startChild(port);
    for (let i = 0; i < 600; i++) {
      const m = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      if (!/earshot_jobs\{name="ingest.process",state="(queued|running)"\}/.test(m)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGTERM');
    await exited.get(child);
    child = null;

    const h: DbHandle = db.url ? await openDatabase({ url: db.url }) : await openDatabase({ dataDir: db.dataDir ?? '' });
    try {
      const q = async (s: ReturnType<typeof sql<{ n: string }>>) => Number((await s.execute(h.db)).rows[0]?.n);
      expect(acked.size).toBeGreaterThan(20);
      const stored = new Set((await h.db.selectFrom('inbound_events').select('provider_event_id').execute()).map((r) => r.provider_event_id));
      const lost = [...acked].filter((id) => !stored.has(`evt-${id}`));
      expect(lost).toEqual([]);
      const events = stored.size;
      expect(await q(sql`select count(*) as n from inbound_events where processed_at is null`)).toBe(0);
      expect(await q(sql`select count(*) as n from messages`)).toBe(events);
      expect(await q(sql`select count(distinct provider_message_id) as n from messages`)).toBe(events);
      expect(await q(sql`select count(*) as n from jobs where name = 'ingest.process' and state = 'done'`)).toBe(events);
      // No job stuck or dead-lettered by the crashes (recurring jobs such as SLA evaluation stay queued for later).
      expect(await q(sql`select count(*) as n from jobs where state = 'running' or state = 'dead' or (name = 'ingest.process' and state <> 'done')`)).toBe(0);
      expect(await q(sql`select count(*) as n from audit_events where action = 'message.received'`)).toBe(events);
      expect((await verifyAuditChain(h.db, b.brandId)).ok).toBe(true);
    } finally {
      await h.close();
    }
  }, 300_000);
});

