import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migrate, openDatabase, sql } from '@earshot/db';
import { Core, systemActor, verifyAuditChain } from '@earshot/core';
import { freePort, spawnEarshot, stopEarshot, waitHealthy, waitWorker, type EarshotProcess } from '../../../bench/support/earshot-process';
import { subscribeEvents } from '../../../bench/support/sse';
import { apiDelivery, seedBrand, TEST_SECRET_KEY, type SeededBrand } from '../../../test/support/core';
import { startPgCluster, type PgCluster } from '../../../test/support/pg-cluster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The database server itself stops and starts again — a crash (`pg_ctl stop -m immediate`) and a
 * clean fast shutdown — while `earshot serve` and `earshot work` run under a stream of signed
 * deliveries. The shared cluster on 5432 must never be restarted, so this test runs its own
 * throwaway PostgreSQL 15 cluster. Earshot is never restarted: while the database is down every
 * delivery gets a 503 with a code and /healthz says so; afterwards both processes recover by
 * themselves and every acknowledged event is processed exactly once.
 */
describe('database restart mid-run (private PostgreSQL cluster, serve + work)', () => {
  let cluster: PgCluster | null = null;
  let url = '';
  let b: SeededBrand;
  let token = '';
  let port = 0;
  const home = mkdtempSync(join(tmpdir(), 'earshot-dbrestart-'));
  const procs: EarshotProcess[] = [];

  beforeAll(async () => {
    cluster = await startPgCluster(await freePort());
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('create database earshot');
    await admin.end();
    url = cluster.url('earshot');
    const h = await openDatabase({ url, poolSize: 2 });
    await migrate(h);
    const core = await Core.create({ handle: h, secretKey: TEST_SECRET_KEY });
    b = await seedBrand(core, 'restart');
    token = (await core.auth.createToken({ ...systemActor(b.brandId), userId: b.adminId }, { name: 'sse', scopes: ['conversation:read'] })).token;
    await core.bus.close();
    // A checkpoint now, so the first crash recovery replays this test's deliveries, not the migrations.
    await sql`checkpoint`.execute(h.db);
    await h.close();
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await cluster?.destroy();
    rmSync(home, { recursive: true, force: true });
  });

  /** Every delivery's answer, with when it was sent and answered (to tell which ones met a stopped database). */
  interface Answer { status: number; code: string | null; sentAt: number; doneAt: number; error?: string }
  const answers: Answer[] = [];
  const acked = new Set<string>();
  let sent = 0;
  let pumping = true;

  async function post(ids: string[]): Promise<number> {
    const { body, signature } = apiDelivery(b.apiSecret, ids.map((id) => ({ id, author: `cust-${Number(id.split('-')[1]) % 23}`, text: `restart ${id}` })));
    const sentAt = Date.now();
    try {
      // A generous bound only to turn a hang into a failure message instead of a test timeout.
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/channels/${b.apiChannelId}/events`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-earshot-signature': signature }, body, signal: AbortSignal.timeout(30_000),
      });
      const json = (await r.json().catch(() => null)) as { error?: { code?: string } } | null;
      answers.push({ status: r.status, code: json?.error?.code ?? null, sentAt, doneAt: Date.now() });
      if (r.status === 200) for (const id of ids) acked.add(id);
      return r.status;
    } catch (err) {
      answers.push({ status: 0, code: null, sentAt, doneAt: Date.now(), error: String(err) });
      return 0;
    }
  }

  /** Two providers posting without pause; a refused batch is sent again, as providers retry. */
  function pump(): Promise<void> {
    const lane = async () => {
      let batch: string[] | null = null;
      while (pumping) {
        if (!batch) {
          batch = Array.from({ length: 3 }, () => `r-${sent++}`);
          // Now and then an acknowledged event again: it must be stored once.
          if (sent % 30 === 0 && acked.size > 5) batch.push([...acked][Math.floor(Math.random() * acked.size)] ?? 'r-0');
        }
        if ((await post(batch)) === 200) batch = null;
        else await sleep(50);
      }
    };
    return Promise.all([lane(), lane()]).then(() => undefined);
  }

  async function healthz(): Promise<{ status: number; ok: unknown }> {
    const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(30_000) });
    return { status: r.status, ok: ((await r.json()) as { ok?: unknown }).ok };
  }

  /** Polls `cond` every 100 ms, at most `tries` times; false if it never held. */
  async function eventually(cond: () => boolean | Promise<boolean>, tries = 600): Promise<boolean> {
    for (let i = 0; i < tries; i++) {
      if (await cond()) return true;
      await sleep(100);
    }
    return false;
  }

  const count = async (c: pg.Client, q: string) => Number(((await c.query(q)).rows[0] as { n: string }).n);
  const stderr = () => procs.map((p) => `--- ${p.role}:\n${p.stderr().slice(-3000)}`).join('\n');

  it('answers 503 while the database is down, recovers without a restart, and processes every acknowledged event once', async () => {
    if (!cluster) throw new Error('no cluster');
    port = await freePort();
    const env = { home, url, secretKey: TEST_SECRET_KEY };
    const serve = spawnEarshot('serve', { ...env, port });
    const work = spawnEarshot('work', env);
    procs.push(serve, work);
    await Promise.all([waitHealthy(port, serve), waitWorker(work)]);

    const pumping$ = pump();
    const outages: { mode: 'immediate' | 'fast'; from: number; to: number; healthDown: { status: number; ok: unknown }; healthUp: boolean }[] = [];
    try {
      for (const mode of ['immediate', 'fast', 'immediate'] as const) {
        const before = acked.size;
        expect(await eventually(() => acked.size >= before + 30), `no deliveries acknowledged before the ${mode} stop\n${stderr()}`).toBe(true);
        await cluster.stop(mode);
        const from = Date.now();
        const healthDown = await healthz();
        // Keep posting while the server is down: enough refused deliveries to show the API answers them all.
        await eventually(() => answers.filter((a) => a.sentAt >= from).length >= 10, 100);
        await sleep(500);
        const to = Date.now();
        await cluster.start();
        const healthUp = await eventually(async () => (await healthz()).status === 200, 300);
        outages.push({ mode, from, to, healthDown, healthUp });
      }
      // After the last start deliveries are acknowledged again.
      const last = acked.size;
      expect(await eventually(() => acked.size >= last + 30), `no deliveries acknowledged after the last restart\n${stderr()}`).toBe(true);
    } finally {
      pumping = false;
      await pumping$;
    }

    // /healthz tells the truth: unhealthy while the server is down, healthy once it is back.
    for (const o of outages) {
      expect(o.healthDown, `healthz during the ${o.mode} outage`).toEqual({ status: 503, ok: false });
      expect(o.healthUp, `healthz after the ${o.mode} outage\n${cluster.log()}`).toBe(true);
    }
    // Every delivery got an answer: 200, or 503 with a code — never a hang, a dropped connection or a 500.
    const wrong = answers.filter((a) => !(a.status === 200 || (a.status === 503 && a.code === 'EARSHOT_DATABASE_UNAVAILABLE')));
    expect(wrong.slice(0, 5), stderr()).toEqual([]);
    // Deliveries sent and answered while the server was down were all refused, and there were some each time.
    for (const o of outages) {
      const during = answers.filter((a) => a.sentAt >= o.from && a.doneAt <= o.to);
      expect(during.length, `deliveries during the ${o.mode} outage`).toBeGreaterThanOrEqual(10);
      expect(during.filter((a) => a.status !== 503)).toEqual([]);
    }

    // The API process hears the worker again (its LISTEN connection re-opened by itself): a new
    // delivery shows up on the live event stream.
    const seen = new Set<string>();
    const sub: { stream: { close(): void } | null } = { stream: null };
    await eventually(async () => {
      sub.stream = await subscribeEvents(port, token, (e) => {
        const id = (e.data.data as { providerMessageId?: string } | undefined)?.providerMessageId;
        if (e.type === 'message.created' && id) seen.add(id);
      }).catch(() => null);
      return sub.stream !== null;
    }, 100);
    try {
      // Notifications sent before the LISTEN connection is back are not replayed: post until one arrives.
      let live = 0;
      const heard = await eventually(async () => {
        if (seen.size > 0) return true;
        await post([`live-${live++}`]);
        return false;
      }, 300);
      expect(heard, `the event stream heard nothing after the restarts\n${stderr()}`).toBe(true);
    } finally {
      sub.stream?.close();
    }

    // The worker catches up by itself; then neither process has died on the way.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const drained = await eventually(async () => await count(c, `select count(*) as n from jobs where name = 'ingest.process' and state <> 'done'`) === 0);
      const stuck = await c.query(`select state, attempts, run_at, last_error from jobs where name = 'ingest.process' and state <> 'done' limit 5`);
      expect(drained, `jobs not done: ${JSON.stringify(stuck.rows)}\n${stderr()}`).toBe(true);
      for (const p of procs) expect({ role: p.role, exitCode: p.child.exitCode, signal: p.child.signalCode }, p.stderr()).toEqual({ role: p.role, exitCode: null, signal: null });
      for (const p of procs) await stopEarshot(p);

      expect(acked.size).toBeGreaterThan(100);
      const stored = new Set((await c.query('select provider_event_id from inbound_events')).rows.map((r: { provider_event_id: string }) => r.provider_event_id));
      expect([...acked].filter((id) => !stored.has(`evt-${id}`))).toEqual([]);
      const events = stored.size;
      expect(await count(c, 'select count(*) as n from inbound_events where processed_at is null')).toBe(0);
      expect(await count(c, 'select count(*) as n from messages')).toBe(events);
      expect(await count(c, 'select count(distinct provider_message_id) as n from messages')).toBe(events);
      expect(await count(c, `select count(*) as n from jobs where name = 'ingest.process' and state = 'done'`)).toBe(events);
      expect(await count(c, `select count(*) as n from jobs where state in ('running', 'dead')`)).toBe(0);
      expect(await count(c, `select count(*) as n from audit_events where action = 'message.received'`)).toBe(events);
    } finally {
      await c.end();
    }
    const h = await openDatabase({ url, poolSize: 1 });
    try {
      expect((await verifyAuditChain(h.db, b.brandId)).ok).toBe(true);
    } finally {
      await h.close();
    }
  }, 180_000);
});
