import type { JobName } from '@earshot/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { backoffMs, enqueueJob, PermanentJobError, transact, Worker } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { createTestCore, type TestCore } from '../../../test/support/core';

// The queue's own mechanics, with kinds of their own that are not in JobPayloads: names cast, payloads free.
const testKind = (name: string) => name as JobName;
const enqueue = (ex: Parameters<typeof enqueueJob>[0], name: string, payload: Record<string, unknown>, opts?: Parameters<typeof enqueueJob>[3]) => enqueueJob(ex, testKind(name), payload as never, opts);

describeEachDb('job queue', (kind) => {
  let t: TestCore;
  beforeAll(async () => { t = await createTestCore(kind); });
  afterAll(async () => { await t?.drop(); });

  const jobsNamed = (name: string) => t.core.db.selectFrom('jobs').selectAll().where('name', '=', name).orderBy('id').execute();

  it('dedupes by key while a job is queued, and allows it again once done', async () => {
    await transact(t.core.db, async (uow) => {
      expect(await enqueue(uow.tx, 'test.dedupe', { n: 1 }, { key: 'k1' })).toBe(1);
      expect(await enqueue(uow.tx, 'test.dedupe', { n: 2 }, { key: 'k1' })).toBe(0);
    });
    const seen: unknown[] = [];
    const w = new Worker({ db: t.core.db, jobs: [{ name: testKind('test.dedupe'), mode: 'transactional', handle: async (j) => { seen.push(j.payload.n); } }] });
    await w.drain();
    expect(seen).toEqual([1]);
    expect(await enqueue(t.core.db, 'test.dedupe', { n: 3 }, { key: 'k1' })).toBe(1);
  });

  it('rolls back a failing job\'s writes without undoing the rest of the batch, retries with backoff, and dead-letters with the error kept', async () => {
    await sql`create table if not exists job_effects (v text)`.execute(t.core.db);
    for (const v of ['a', 'boom', 'c']) await enqueue(t.core.db, 'test.batch', { v }, { maxAttempts: 2 });
    const w = new Worker({
      db: t.core.db,
      jobs: [{ name: testKind('test.batch'), mode: 'transactional', handle: async (j, uow) => {
        await sql`insert into job_effects (v) values (${String(j.payload.v)})`.execute(uow.tx);
        if (j.payload.v === 'boom') throw new Error('provider said no');
      } }],
    });
    const before = Date.now();
    await w.runOnce();
    const effects = (await sql<{ v: string }>`select v from job_effects order by v`.execute(t.core.db)).rows.map((r) => r.v);
    expect(effects).toEqual(['a', 'c']);
    let jobs = await jobsNamed('test.batch');
    const boom = jobs.find((j) => (j.payload as { v: string }).v === 'boom');
    expect(boom).toMatchObject({ state: 'queued', attempts: 1, last_error: 'Error: provider said no' });
    // The first retry waits at least 750 ms (1 s ± 25 %) after the failure, which came after `before`.
    expect(boom?.run_at.getTime()).toBeGreaterThanOrEqual(before + 750);
    // Make it due now and fail it again: max_attempts = 2 sends it to dead.
    await sql`update jobs set run_at = now() where id = ${boom?.id}`.execute(t.core.db);
    await w.runOnce();
    jobs = await jobsNamed('test.batch');
    expect(jobs.find((j) => j.id === boom?.id)).toMatchObject({ state: 'dead', attempts: 2, last_error: 'Error: provider said no' });
    expect(jobs.filter((j) => j.state === 'done')).toHaveLength(2);
  });

  it('sends a permanent failure straight to dead', async () => {
    await enqueue(t.core.db, 'test.permanent', {});
    const w = new Worker({ db: t.core.db, jobs: [{ name: testKind('test.permanent'), mode: 'transactional', handle: async () => { throw new PermanentJobError('bad payload'); } }] });
    await w.runOnce();
    expect((await jobsNamed('test.permanent'))[0]).toMatchObject({ state: 'dead', attempts: 1 });
  });

  it('lets another worker take over an external job whose lease expired (a crashed worker)', async () => {
    await enqueue(t.core.db, 'test.external', {});
    await sql`update jobs set state = 'running', locked_by = 'dead-worker', locked_at = now() - interval '10 minutes', attempts = 1 where name = 'test.external'`.execute(t.core.db);
    let ran = 0;
    const w = new Worker({ db: t.core.db, leaseMs: 60_000, jobs: [{ name: testKind('test.external'), mode: 'external', handle: async () => { ran += 1; } }] });
    await w.drain();
    expect(ran).toBe(1);
    expect((await jobsNamed('test.external'))[0]).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('backs off exponentially with a cap', () => {
    const fixed = () => 0.5;
    expect(backoffMs(1, fixed)).toBe(1000);
    expect(backoffMs(4, fixed)).toBe(8000);
    expect(backoffMs(30, fixed)).toBe(600_000);
  });
});
