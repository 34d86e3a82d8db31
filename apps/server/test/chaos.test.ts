import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openDatabase, sql } from '@earshot/db';
import { Core, signApiBody, verifyAuditChain, systemActor } from '@earshot/core';
import { startXFakeServer, type XFakeServer } from '../../../packages/core/src/channels/index';
import { freePort, spawnEarshot, stopEarshot, waitHealthy, waitWorker, type EarshotProcess } from '../../../bench/support/earshot-process';
import { subscribeEvents } from '../../../bench/support/sse';
import { createTestDb, describeEachDb, type TestDb } from '../../../test/support/db';
import { seedBrand, TEST_SECRET_KEY, type SeededBrand } from '../../../test/support/core';
import { createTestApp, type TestApp } from '../../../test/support/http';

/** Providers retry and reorder: the same tweet delivered twice, replies before their parents. */
describeEachDb('duplicate and out-of-order provider deliveries', (kind) => {
  let t: TestApp;
  let x: XFakeServer;
  let channelId = '';
  beforeAll(async () => {
    t = await createTestApp(kind);
    const b = await seedBrand(t.core, 'dupes');
    x = await startXFakeServer();
    channelId = (await t.core.channels.create(systemActor(b.brandId), { kind: 'x', name: 'X', credentials: { ...x.credentials }, settings: { apiBaseUrl: x.url, userId: x.brand.id } })).channel.id;
  });
  afterAll(async () => {
    await x?.close();
    await t?.drop();
  });

  it('stores one message per provider message, whatever the order and repetition', async () => {
    const ann = x.addCustomer({ username: 'ann' });
    const root = x.mention({ from: ann, text: 'my bag is lost' });
    const reply1 = x.mention({ from: ann, text: 'any news?', inReplyTo: root.tweet.id });
    const reply2 = x.mention({ from: ann, text: 'still waiting', inReplyTo: reply1.tweet.id });
    const dm = x.dm({ from: ann, text: 'here is my booking ref' });
    const deliveries = [reply2.payload, dm.payload, reply1.payload, root.payload, reply2.payload, root.payload, dm.payload, reply1.payload];
    const post = (p: unknown) => {
      const s = x.sign(p);
      return t.app.inject({ method: 'POST', url: `/api/v1/channels/${channelId}/events`, headers: { 'content-type': 'application/json', ...s.headers }, payload: s.body });
    };
    for (const d of deliveries) expect((await post(d)).statusCode).toBe(200);
    await t.core.worker().drain();
    // Deliveries processed again (a replayed batch after a worker crash) change nothing either.
    for (const d of deliveries.slice(0, 4)) expect((await post(d)).statusCode).toBe(200);
    await t.core.worker().drain();
    const msgs = await t.core.db.selectFrom('messages').select(['provider_message_id', 'conversation_id']).where('channel_id', '=', channelId).execute();
    expect(msgs.map((m) => m.provider_message_id).sort()).toEqual([root.tweet.id, reply1.tweet.id, reply2.tweet.id, dm.eventId].sort());
    const events = await t.core.db.selectFrom('inbound_events').select('id').where('channel_id', '=', channelId).execute();
    expect(events).toHaveLength(4);
  });
});

/**
 * PostgreSQL scale-out under fire: `earshot serve` and `earshot work` as separate processes, each
 * killed with SIGKILL at random moments, and the database dropping every connection of the test
 * database (pg_terminate_backend — the shared cluster is never restarted) while events pour in.
 * The processes that are not killed must recover by themselves; afterwards every acknowledged
 * event is one message, one finished job and one audit entry, and the chain verifies.
 */
const serverUrl = process.env.TEST_DATABASE_URL;
if (serverUrl) {
  describe('chaos on PostgreSQL: serve + work killed separately, connections terminated', () => {
    let db: TestDb;
    let b: SeededBrand;
    let token = '';
    const procs: { serve: EarshotProcess | null; work: EarshotProcess | null } = { serve: null, work: null };
    let port = 0;
    const acked = new Set<string>();
    const statuses = new Map<number, number>();
    let sent = 0;

    beforeAll(async () => {
      db = await createTestDb('postgres', { poolSize: 2 });
      const core = await Core.create({ handle: db.handle, secretKey: TEST_SECRET_KEY });
      b = await seedBrand(core, 'chaos');
      token = (await core.auth.createToken({ ...systemActor(b.brandId), userId: b.adminId }, { name: 'sse', scopes: ['conversation:read'] })).token;
      await core.bus.close();
      await db.handle.close();
    });
    afterAll(async () => {
      for (const p of [procs.serve, procs.work]) if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
      await Promise.all([procs.serve, procs.work].map((p) => p?.exited));
      await db?.drop();
    });

    const env = () => ({ home: `/tmp/earshot-chaos-${process.pid}`, url: db.url, secretKey: TEST_SECRET_KEY });
    async function startServe(): Promise<void> {
      port = await freePort();
      procs.serve = spawnEarshot('serve', { ...env(), port });
      await waitHealthy(port, procs.serve);
    }
    async function startWork(): Promise<void> {
      procs.work = spawnEarshot('work', env());
      await waitWorker(procs.work);
    }
    async function kill(p: EarshotProcess | null): Promise<void> {
      if (!p) return;
      p.child.kill('SIGKILL');
      await p.exited;
    }
    async function terminateBackends(): Promise<number> {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        const name = new URL(db.url ?? '').pathname.slice(1);
        const r = await c.query('select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        return Number((r.rows[0] as { n: string }).n);
      } finally {
        await c.end();
      }
    }

    async function post(ids: string[]): Promise<number> {
      const body = JSON.stringify({ events: ids.map((id) => ({ id: `evt-${id}`, message: { providerMessageId: id, visibility: 'public', author: { externalId: `cust-${Number(id.split('-')[1]) % 29}` }, text: `chaos ${id}`, sentAt: new Date().toISOString() } })) });
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/channels/${b.apiChannelId}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-earshot-signature': signApiBody(b.apiSecret, body) }, body });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status === 200) for (const id of ids) acked.add(id);
      return r.status;
    }
    /** Posts until `until`; a lane that finds the server gone waits for the next one. */
    function pump(until: number): Promise<void> {
      const lane = async () => {
        while (Date.now() < until) {
          const ids = Array.from({ length: 4 }, () => `c-${sent++}`);
          if (sent % 40 === 0 && acked.size > 5) ids.push([...acked][Math.floor(Math.random() * acked.size)] ?? 'c-0');
          try { await post(ids); } catch { await new Promise((r) => setTimeout(r, 100)); }
        }
      };
      return Promise.all([lane(), lane()]).then(() => undefined);
    }

    /** Where an event got to (for the failure message): stored? its job's state and error? a message? */
    const whereIs = async (providerEventId: string): Promise<string> => {
      const c = new pg.Client({ connectionString: db.url ?? '' });
      await c.connect();
      try {
        const r = await c.query(`select e.id, e.processed_at, j.state, j.attempts, j.run_at, j.last_error, (select count(*) from messages m where m.provider_message_id = $2) as messages
          from inbound_events e left join jobs j on j.key = 'ingest:' || e.id where e.provider_event_id = $1`, [providerEventId, providerEventId.replace(/^evt-/, '')]);
        return `not on the event stream; in the database: ${JSON.stringify(r.rows)}; worker said: ${procs.work?.stderr().slice(-3000) ?? '(none)'}`;
      } finally { await c.end(); }
    };

    it('recovers from killed workers, killed API processes and dropped connections, losing and duplicating nothing', async () => {
      await startServe();
      await startWork();
      const actions: string[] = [];
      const plan = ['work', 'serve', 'db', 'work', 'db', 'both'];
      for (const action of plan) {
        const until = Date.now() + 2000;
        const pumping = pump(until);
        await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 1500)));
        if (action === 'work' || action === 'both') await kill(procs.work);
        if (action === 'serve' || action === 'both') await kill(procs.serve);
        if (action === 'db') actions.push(`terminated ${await terminateBackends()} connections`);
        else actions.push(`killed ${action}`);
        if (action === 'serve' || action === 'both') await startServe();
        if (action === 'work' || action === 'both') await startWork();
        await pumping;
      }
      expect(actions.filter((a) => a.startsWith('terminated')).every((a) => !a.startsWith('terminated 0 '))).toBe(true);

      const drained = async () => {
        for (let i = 0; i < 600; i++) {
          const m = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          if (!/earshot_jobs\{name="ingest.process",state="(queued|running)"\}/.test(m)) return;
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      await drained();
      // After the last dropped connections, without any restart: the API answers, the worker
      // processes, and the API process's event stream hears the worker (LISTEN re-opened).
      await terminateBackends();
      const seen = new Set<string>();
      let stream: { close(): void } | null = null;
      for (let i = 0; i < 50 && !stream; i++) {
        stream = await subscribeEvents(port, token, (e) => {
          const pid = (e.data.data as { providerMessageId?: string } | undefined)?.providerMessageId;
          if (e.type === 'message.created' && pid) seen.add(pid);
        }).catch(() => null);
        if (!stream) await new Promise((r) => setTimeout(r, 200));
      }
      try {
        await new Promise((r) => setTimeout(r, 2500)); // the LISTEN connection re-opens after 1 s
        let status = 0;
        for (let i = 0; i < 50 && status !== 200; i++) {
          status = await post(['after-1']).catch(() => 0);
          if (status !== 200) await new Promise((r) => setTimeout(r, 200));
        }
        expect(status).toBe(200);
        for (let i = 0; i < 150 && !seen.has('after-1'); i++) await new Promise((r) => setTimeout(r, 200));
        expect(seen.has('after-1'), seen.has('after-1') ? '' : await whereIs('evt-after-1')).toBe(true);
      } finally {
        stream?.close();
      }

      // Nothing crashed on the way: dropped connections are errors to retry, never a dead process.
      for (const p of [procs.serve, procs.work]) expect(p?.child.exitCode ?? null, p?.stderr()).toBeNull();

      // Drain, stop cleanly, then count.
      await drained();
      if (procs.serve) await stopEarshot(procs.serve);
      if (procs.work) await stopEarshot(procs.work);
      // Only refusals by overload or outage are acceptable, never a client error for a good delivery.
      expect([...statuses.keys()].filter((s) => s !== 200 && s < 500)).toEqual([]);

      const h = await openDatabase({ url: db.url ?? '' });
      try {
        const q = async (s: ReturnType<typeof sql<{ n: string }>>) => Number((await s.execute(h.db)).rows[0]?.n);
        expect(acked.size).toBeGreaterThan(50);
        const stored = new Set((await h.db.selectFrom('inbound_events').select('provider_event_id').execute()).map((r) => r.provider_event_id));
        expect([...acked].filter((id) => !stored.has(`evt-${id}`))).toEqual([]);
        const events = stored.size;
        expect(await q(sql`select count(*) as n from inbound_events where processed_at is null`)).toBe(0);
        expect(await q(sql`select count(*) as n from messages`)).toBe(events);
        expect(await q(sql`select count(distinct provider_message_id) as n from messages`)).toBe(events);
        expect(await q(sql`select count(*) as n from jobs where name = 'ingest.process' and state = 'done'`)).toBe(events);
        expect(await q(sql`select count(*) as n from jobs where name = 'ingest.process' and state <> 'done'`)).toBe(0);
        expect(await q(sql`select count(*) as n from audit_events where action = 'message.received'`)).toBe(events);
        expect((await verifyAuditChain(h.db, b.brandId)).ok).toBe(true);
      } finally {
        await h.close();
      }
    }, 400_000);
  });
}
