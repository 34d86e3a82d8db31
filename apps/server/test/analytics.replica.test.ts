import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migrate, openDatabase, sql, type DbHandle } from '@earshot/db';
import { Core, systemActor, type ReadSource, type Worker } from '@earshot/core';
import { buildApp } from '../src/http/app';
import { apiDelivery, seedBrand, TEST_SECRET_KEY, type SeededBrand } from '../../../test/support/core';
import { freePort } from '../../../test/support/earshot-process';
import { as, login, type Session } from '../../../test/support/http';
import { startPgCluster, startPgReplica, type PgCluster } from '../../../test/support/pg-cluster';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

/**
 * A real primary + streaming replica pair (its own throwaway PostgreSQL 15 clusters). With a replica
 * configured, dashboards are read from it — shown by pausing its replay: the replica's (stale)
 * numbers come back, marked `Earshot-Read-Source: replica`. Too far behind, reads go to the primary
 * and say why; with the replica down they still answer 200 from the primary, never a 500.
 */
describe('analytics from a read replica (private primary + replica clusters)', () => {
  let primary: PgCluster | null = null;
  let replica: PgCluster | null = null;
  let h: DbHandle;
  let core: Core;
  let strict: Core;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let worker: Worker;
  let b: SeededBrand;
  let s: Session;
  let n = 0;

  async function inbound(count: number) {
    const events = Array.from({ length: count }, () => { n += 1; return { id: `r-${n}`, author: `cust-${n}`, text: `message ${n}`, sentAt: '2026-04-01T10:00:00Z' }; });
    const d = apiDelivery(b.apiSecret, events);
    await core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    await worker.drain();
    await core.analytics.catchUp(b.brandId);
  }
  const onReplica = async (q: string) => {
    const c = new pg.Client({ connectionString: replica?.url('earshot') });
    await c.connect();
    try { return (await c.query(q)).rows as Record<string, unknown>[]; } finally { await c.end(); }
  };
  async function replicaCaughtUp(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const [r] = await onReplica(`select count(*)::int as n from conversations where brand_id = '${b.brandId}'`);
      if (r?.n === n) return;
      await sleep(50);
    }
    throw new Error(`the replica did not catch up:\n${replica?.log() ?? ''}`);
  }
  const overview = async () => {
    const res = await as(app, s)('GET', '/api/v1/analytics/overview?from=2026-04-01&to=2026-04-02');
    expect(res.statusCode, res.body).toBe(200);
    return { source: String(res.headers['earshot-read-source']), conversations: res.json<{ totals: { conversations: number } }>().totals.conversations };
  };

  beforeAll(async () => {
    primary = await startPgCluster(await freePort());
    const admin = new pg.Client({ connectionString: primary.url() });
    await admin.connect();
    await admin.query('create database earshot');
    await admin.end();
    h = await openDatabase({ url: primary.url('earshot'), poolSize: 4 });
    await migrate(h);
    replica = await startPgReplica(primary, await freePort());
    const replicaHandle = await openDatabase({ url: replica.url('earshot'), poolSize: 2, failFast: false });
    core = await Core.create({ handle: h, secretKey: TEST_SECRET_KEY, analytics: { live: false }, replica: { handle: replicaHandle, maxLagSeconds: 3600 } });
    // The same primary, a replica allowed to be at most 1 s behind.
    const strictReplica = await openDatabase({ url: replica.url('earshot'), poolSize: 2, failFast: false });
    const strictPrimary = await openDatabase({ url: primary.url('earshot'), poolSize: 2 });
    strict = await Core.create({ handle: strictPrimary, secretKey: TEST_SECRET_KEY, analytics: { live: false }, replica: { handle: strictReplica, maxLagSeconds: 1 } });
    b = await seedBrand(core, 'replica');
    worker = core.worker();
    app = await buildApp({ core, webDist: null, loginRateLimit: 10_000 });
    await app.ready();
    s = await login(app, b.emails.admin, b.password);
  }, 300_000);
  afterAll(async () => {
    await app?.close();
    await worker?.stop();
    await strict?.close().catch(() => undefined);
    await core?.close().catch(() => undefined);
    await replica?.destroy();
    await primary?.destroy();
  });

  it('serves dashboards from the replica, falls back when it lags, answers from the primary when it is down', async () => {
    await inbound(3);
    await replicaCaughtUp();
    await sleep(2100); // past the reader's health cache
    expect(await overview()).toEqual({ source: 'replica; lag=0', conversations: 3 });

    // Replay paused: the primary moves on, the replica does not. Its stale answer proves where the read went.
    await onReplica('select pg_wal_replay_pause()');
    await inbound(2);
    await sleep(2100);
    const stale = await overview();
    expect(stale.conversations).toBe(3);
    expect(stale.source).toMatch(/^replica; lag=\d+$/);
    // The strict reader finds it more than 1 s behind and reads the primary (fresh numbers), saying why.
    const actor = systemActor(b.brandId);
    const seen: ReadSource[] = [];
    const fresh = await strict.analytics.overview(actor, { from: '2026-04-01', to: '2026-04-02' }, (x) => seen.push(x));
    expect(fresh.totals.conversations).toBe(5);
    expect(seen[0]).toMatchObject({ source: 'primary', reason: 'replica_lagging' });

    await onReplica('select pg_wal_replay_resume()');
    await replicaCaughtUp();
    await sleep(2100);
    expect(await overview()).toEqual({ source: 'replica; lag=0', conversations: 5 });

    // The replica goes away: every dashboard still answers, from the primary, and says so.
    await replica?.stop('fast');
    for (const url of ['/api/v1/analytics/overview?from=2026-04-01&to=2026-04-02', '/api/v1/analytics/fairness', '/api/v1/analytics/backlog']) {
      const res = await as(app, s)('GET', url);
      expect(res.statusCode, res.body).toBe(200);
      expect(String(res.headers['earshot-read-source'])).toMatch(/^primary; reason=replica_(down|failed)$/);
    }
    const exp = await as(app, s)('GET', '/api/v1/analytics/export?from=2026-04-01&to=2026-04-02');
    expect(exp.statusCode).toBe(200);
    expect(exp.body.trim().split('\r\n')).toHaveLength(6);
    expect((await overview()).conversations).toBe(5);
    const [row] = (await sql<{ n: number }>`select count(*)::int as n from conversations where brand_id = ${b.brandId}`.execute(h.db)).rows;
    expect(row?.n).toBe(5);
  }, 120_000);
});
