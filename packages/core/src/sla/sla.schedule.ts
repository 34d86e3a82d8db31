import type { JobName } from '@earshot/domain';
import { sql } from '@earshot/db';
import type { Clock } from '../shared/clock';
import type { Executor, UnitOfWork } from '../shared/unit-of-work';

export const JOB_SLA_EVALUATE = 'sla.evaluate' satisfies JobName;
export const slaJobKey = (conversationId: string) => `sla:${conversationId}`;

/**
 * Schedules the conversation's SLA evaluation at `dueAt` (one job per conversation, key
 * `sla:<id>`): a later call moves the queued job, because it was computed from newer state.
 * The job row's run_at is real time: `dueAt` minus the caller's clock, added to the real now, so a
 * simulated clock (replay, tests) never makes a job due early; `payload.dueAt` keeps the clock's time.
 */
export async function scheduleSlaEvaluation(ex: Executor, brandId: string, conversationId: string, dueAt: Date, clock: Clock): Promise<void> {
  await upsertSlaJobs(ex, [slaJob(brandId, conversationId, dueAt, clock)]);
}

export interface SlaJob { brandId: string; conversationId: string; dueAt: Date; runAt: Date }

function slaJob(brandId: string, conversationId: string, dueAt: Date, clock: Clock): SlaJob {
  return { brandId, conversationId, dueAt, runAt: new Date(Date.now() + Math.max(0, dueAt.getTime() - clock.now().getTime())) };
}

async function upsertSlaJobs(ex: Executor, jobs: SlaJob[]): Promise<void> {
  if (jobs.length === 0) return;
  // In key order, so two batches upserting the same conversations take the key locks in one order.
  const rows = [...jobs].sort((a, b) => (slaJobKey(a.conversationId) < slaJobKey(b.conversationId) ? -1 : 1)).map((j) => sql`(
    ${j.brandId}::uuid, ${JOB_SLA_EVALUATE}, ${JSON.stringify({ conversationId: j.conversationId, dueAt: j.dueAt.toISOString() })}::jsonb,
    ${slaJobKey(j.conversationId)}, ${j.runAt}::timestamptz, 8)`);
  await sql`
    insert into jobs (brand_id, name, payload, key, run_at, max_attempts)
    values ${sql.join(rows)}
    on conflict (key) where key is not null and state in ('queued', 'running')
    do update set run_at = excluded.run_at, payload = excluded.payload, attempts = 0, updated_at = now()`.execute(ex);
}

/**
 * The same, in a unit of work: inside a worker batch the evaluations are collected (the latest per
 * conversation wins, as a later upsert would) and written in one statement at the end of the batch.
 */
export async function scheduleSlaEvaluationIn(uow: UnitOfWork, brandId: string, conversationId: string, dueAt: Date, clock: Clock): Promise<void> {
  const batch = uow.batch;
  if (!batch) return scheduleSlaEvaluation(uow.tx, brandId, conversationId, dueAt, clock);
  const jobs = batch.slaJobs;
  if (jobs.size === 0) batch.beforeCommit('sla-jobs', (root) => upsertSlaJobs(root.tx, [...jobs.values()]));
  jobs.set(conversationId, slaJob(brandId, conversationId, dueAt, clock));
}

/**
 * A running job still holds its key, so it could not schedule its own successor; the handler
 * gives the key up first (the row is marked done by the worker afterwards).
 */
export async function releaseJobKey(ex: Executor, jobId: string): Promise<void> {
  await sql`update jobs set key = null where id = ${jobId}::bigint`.execute(ex);
}

/** Simulated time: makes every SLA job due by `now` (clock time) ready for the worker. */
export async function releaseDueSlaJobs(ex: Executor, now: Date): Promise<number> {
  const r = await sql`update jobs set run_at = now() - interval '1 second'
    where name = ${JOB_SLA_EVALUATE} and state = 'queued' and (payload ->> 'dueAt')::timestamptz <= ${now}::timestamptz`.execute(ex);
  return Number(r.numAffectedRows ?? 0);
}

/** The earliest clock time at which a queued SLA job is due, for simulations that step through time. */
export async function nextSlaDue(ex: Executor): Promise<Date | null> {
  const r = (await sql<{ at: Date | null }>`select min((payload ->> 'dueAt')::timestamptz) as at from jobs where name = ${JOB_SLA_EVALUATE} and state = 'queued'`.execute(ex)).rows[0];
  return r?.at ? new Date(r.at) : null;
}
