import { randomUUID } from 'node:crypto';
import { sql, type DB, type Kysely, type Transaction } from '@earshot/db';
import { BatchState, UnitOfWork, runAfterCommit } from '../shared/unit-of-work';
import { flushAudit } from '../audit/audit.repository';
import { backoffMs } from './job.queue';
import { PermanentJobError, RetryAt, type JobDefinition, type JobFailure, type JobRow, type TransactionalJobDefinition } from './job.types';

export interface WorkerOptions {
  db: Kysely<DB>;
  jobs: JobDefinition[];
  /** Idle poll interval; a local wake-up (enqueue in this process, NOTIFY) shortens it. */
  pollMs?: number;
  /** How long an external job's lease lasts before another worker may take it over. */
  leaseMs?: number;
  concurrency?: number;
  /**
   * At most this many transactional jobs per batch (default: the largest `batchSize` of the job
   * kinds). The embedded database has one connection, so a batch holds up every API request
   * until it commits: smaller batches keep webhook acknowledgements quick there.
   */
  maxBatch?: number;
  onError?: (err: unknown, job?: JobRow) => void;
}

export interface WorkerStats { processed: number; failed: number; dead: number; batches: number }

export class Worker {
  readonly id = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly stats: WorkerStats = { processed: 0, failed: 0, dead: 0, batches: 0 };
  #running = false;
  #wake: (() => void) | null = null;
  #loops: Promise<void>[] = [];
  readonly #defs: Map<string, JobDefinition>;

  constructor(private readonly opts: WorkerOptions) {
    this.#defs = new Map(opts.jobs.map((j) => [j.name, j]));
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const n = this.opts.concurrency ?? 1;
    for (let i = 0; i < n; i++) this.#loops.push(this.#loop());
  }

  /** Finish the batch in hand, then stop. */
  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await Promise.all(this.#loops);
    this.#loops = [];
  }

  wake(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  /** Process until no job is ready (tests and the CLI import use this). Returns jobs processed. */
  async drain(maxRounds = 10_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const n = await this.runOnce();
      if (n === 0) return total;
      total += n;
    }
    return total;
  }

  /** One round over every job kind; returns how many jobs were handled. */
  async runOnce(): Promise<number> {
    let n = 0;
    n += await this.#runTransactional();
    n += await this.#runExternal();
    return n;
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      let n: number;
      try {
        n = await this.runOnce();
      } catch (err) {
        // The database went away or a batch failed as a whole; wait and try again.
        this.opts.onError?.(err);
        await this.#sleep(1000);
        continue;
      }
      if (n === 0) await this.#sleep(this.opts.pollMs ?? 250);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.#wake = null; resolve(); }, ms);
      this.#wake = () => { clearTimeout(t); resolve(); };
    });
  }

  /**
   * One batch of transactional jobs in one transaction. It first runs without a savepoint per job
   * (two round trips fewer per job); if any job fails, that attempt is rolled back whole and the
   * batch runs again with a savepoint per job, so one failing job does not undo the others.
   */
  async #runTransactional(): Promise<number> {
    const defs = [...this.#defs.values()].filter((d) => d.mode === 'transactional');
    if (defs.length === 0) return 0;
    const names = defs.map((d) => d.name);
    const limit = Math.min(this.opts.maxBatch ?? Infinity, Math.max(...defs.map((d) => d.batchSize ?? 50)));
    try {
      return await this.#batch(names, limit, false);
    } catch (err) {
      if (!(err instanceof RetryWithSavepoints)) throw err;
      return this.#batch(names, limit, true);
    }
  }

  async #batch(names: string[], limit: number, savepoints: boolean): Promise<number> {
    let root: UnitOfWork | undefined;
    const count = await this.opts.db.transaction().execute(async (tx) => {
      // One kind of job per batch: a kind's batch may hold rows in memory and write them at its end
      // (ingest does), which a job of another kind reading the table in between would not see.
      const next = (await sql<{ name: string }>`
        select name from jobs where state = 'queued' and run_at <= now() and name = any(${names}::text[])
        order by run_at, id limit 1`.execute(tx)).rows[0];
      if (!next) return 0;
      const jobs = (await sql<JobRow>`
        select id, name, brand_id, payload, attempts, max_attempts from jobs
        where state = 'queued' and run_at <= now() and name = ${next.name}
        order by run_at, id limit ${limit}
        for update skip locked`.execute(tx)).rows;
      if (jobs.length === 0) return 0;
      root = new UnitOfWork(tx, null, savepoints ? null : new BatchState()).enableReadCache();
      const def = this.#defs.get(next.name);
      const doneJobs: JobRow[] = def?.mode === 'transactional' ? await this.#handle(tx, root, def, jobs, savepoints) : [];
      // The batch's collected writes (SLA job upserts, cursors); a failure there reruns it with savepoints.
      if (root.batch) {
        try { await root.batch.flush(root); } catch (err) { throw new RetryWithSavepoints(err); }
      }
      const done = doneJobs.map((j) => j.id);
      if (done.length > 0) {
        await sql`update jobs set state = 'done', attempts = attempts + 1, updated_at = now(), locked_by = ${this.id} where id = any(${done}::bigint[])`.execute(tx);
      }
      await flushAudit(tx, root.audit);
      this.stats.processed += done.length;
      this.stats.batches += 1;
      return jobs.length;
    });
    runAfterCommit(root);
    return count;
  }

  /**
   * Runs one kind's jobs in the batch's transaction and returns those that succeeded. Without
   * savepoints a failure anywhere reruns the whole batch with them (RetryWithSavepoints); with
   * them each job runs alone (a batch handler gets a batch of one) and a failing job is rolled back
   * to its savepoint and recorded, so it never undoes the others.
   */
  async #handle(tx: Transaction<DB>, root: UnitOfWork, def: TransactionalJobDefinition, jobs: JobRow[], savepoints: boolean): Promise<JobRow[]> {
    const run = async (batch: JobRow[], uow: UnitOfWork): Promise<JobFailure[]> => {
      if (def.handleBatch) return def.handleBatch(batch, uow);
      for (const job of batch) await def.handle(job, uow);
      return [];
    };
    if (!savepoints) {
      const child = root.child(tx);
      let failed: JobFailure[];
      try {
        failed = await run(jobs, child);
      } catch (err) {
        throw new RetryWithSavepoints(err);
      }
      root.adopt(child);
      for (const f of failed) await this.#recordFailure(tx, f.job, f.error);
      const failedIds = new Set(failed.map((f) => f.job.id));
      return jobs.filter((j) => !failedIds.has(j.id));
    }
    const done: JobRow[] = [];
    for (const job of jobs) {
      await sql`savepoint job`.execute(tx);
      const child = root.child(tx);
      let error: unknown;
      try {
        error = (await run([job], child))[0]?.error ?? null;
      } catch (err) {
        error = err ?? new Error('job failed');
      }
      if (error === null) {
        await sql`release savepoint job`.execute(tx);
        root.adopt(child);
        done.push(job);
      } else {
        await sql`rollback to savepoint job`.execute(tx);
        await this.#recordFailure(tx, job, error);
      }
    }
    return done;
  }

  async #runExternal(): Promise<number> {
    const defs = [...this.#defs.values()].filter((d) => d.mode === 'external');
    if (defs.length === 0) return 0;
    const names = defs.map((d) => d.name);
    const leaseMs = this.opts.leaseMs ?? 60_000;
    // Claim with a lease; a lease left by a crashed worker expires and the job is claimed again.
    const jobs = (await sql<JobRow>`
      update jobs set state = 'running', locked_by = ${this.id}, locked_at = now(), attempts = attempts + 1, updated_at = now()
      where id in (
        select id from jobs
        where name = any(${names}::text[])
          and ((state = 'queued' and run_at <= now()) or (state = 'running' and locked_at < now() - make_interval(secs => ${leaseMs / 1000})))
        order by run_at, id limit 10
        for update skip locked)
      returning id, name, brand_id, payload, attempts, max_attempts`.execute(this.opts.db)).rows;
    for (const job of jobs) {
      const def = this.#defs.get(job.name);
      if (!def || def.mode !== 'external') continue;
      try {
        await def.handle(job);
        await sql`update jobs set state = 'done', locked_by = null, locked_at = null, updated_at = now() where id = ${job.id} and locked_by = ${this.id}`.execute(this.opts.db);
        this.stats.processed += 1;
      } catch (err) {
        // attempts was already counted at claim time.
        await this.#recordFailure(this.opts.db, { ...job, attempts: job.attempts - 1 }, err);
      }
    }
    return jobs.length;
  }

  async #recordFailure(ex: Kysely<DB>, job: JobRow, err: unknown): Promise<void> {
    // Losing a lock race (a deadlock or serialization failure with a concurrent batch) says nothing
    // about the job: it runs again shortly, and the attempt is not counted towards dead-lettering.
    const contention = isLockContention(err);
    const attempts = contention ? job.attempts : job.attempts + 1;
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const dead = err instanceof PermanentJobError || attempts >= job.max_attempts;
    // Database time, not the injected clock: run_at is compared with the database's now() when jobs
    // are claimed, and a simulated clock may be years away from it.
    const runAt = err instanceof RetryAt ? err.at : new Date(Date.now() + (contention ? 50 + Math.floor(Math.random() * 250) : backoffMs(attempts)));
    this.stats.failed += 1;
    if (dead) this.stats.dead += 1;
    this.opts.onError?.(err, job);
    await sql`
      update jobs set state = ${dead ? 'dead' : 'queued'}, attempts = ${attempts}, last_error = ${message.slice(0, 4000)},
        run_at = ${runAt}, locked_by = null, locked_at = null, updated_at = now()
      where id = ${job.id}`.execute(ex);
  }
}

/** PostgreSQL's deadlock_detected (40P01) and serialization_failure (40001). */
function isLockContention(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** A job failed in a batch run without savepoints: roll the attempt back and run the batch with them. */
class RetryWithSavepoints extends Error {
  constructor(override readonly cause: unknown) { super('a job failed; running the batch again with a savepoint per job'); }
}
