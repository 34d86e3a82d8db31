import { sql } from '@earshot/db';
import type { JobName, JobPayload } from '@earshot/domain';
import type { Executor } from '../shared/unit-of-work';

export interface EnqueueOptions {
  brandId?: string | null;
  /** Dedupe: while a job with this key is queued or running, enqueueing it again does nothing. */
  key?: string | null;
  runAt?: Date;
  maxAttempts?: number;
}

/** A job to enqueue: a kind of `JobPayloads` (packages/domain) with its payload's type. */
export type NewJob = { [N in JobName]: { name: N; payload: JobPayload<N>; opts?: EnqueueOptions } }[JobName];

/**
 * Writes jobs in the caller's transaction, so the work is durable exactly when the change that
 * needs it is. Returns how many were inserted (duplicates by key are skipped).
 */
export async function enqueueJobs(ex: Executor, jobs: NewJob[]): Promise<number> {
  if (jobs.length === 0) return 0;
  const values = jobs.map((j) => sql`(${j.opts?.brandId ?? null}::uuid, ${j.name}, ${JSON.stringify(j.payload)}::jsonb, ${j.opts?.key ?? null}, ${j.opts?.runAt ?? new Date()}::timestamptz, ${j.opts?.maxAttempts ?? 8})`);
  const r = await sql`
    insert into jobs (brand_id, name, payload, key, run_at, max_attempts)
    values ${sql.join(values)}
    on conflict (key) where key is not null and state in ('queued', 'running') do nothing`.execute(ex);
  return Number(r.numAffectedRows ?? 0);
}

export async function enqueueJob<N extends JobName>(ex: Executor, name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<number> {
  return enqueueJobs(ex, [{ name, payload, opts } as NewJob]);
}

/** Jobs not yet done, by name and state (the metrics endpoint's gauge). */
export async function countUnfinishedJobs(ex: Executor): Promise<{ name: string; state: string; count: number }[]> {
  const rows = (await sql<{ name: string; state: string; n: string }>`select name, state, count(*) as n from jobs where state <> 'done' group by name, state order by name, state`.execute(ex)).rows;
  return rows.map((r) => ({ name: r.name, state: r.state, count: Number(r.n) }));
}

/** True when the database answers a trivial query (the health check). */
export async function databaseAnswers(ex: Executor): Promise<boolean> {
  try {
    await sql`select 1`.execute(ex);
    return true;
  } catch {
    return false;
  }
}

/** Exponential backoff with jitter: 1 s, 2 s, 4 s … capped at 10 minutes. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(600_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}
