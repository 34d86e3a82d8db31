import { JobPayloads, type JobName, type JobPayload } from '@earshot/domain';
import type { UnitOfWork } from '../shared/unit-of-work';

export interface JobRow {
  id: string;
  name: string;
  brand_id: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
}

/**
 * `transactional` handlers run inside the claiming transaction: their writes and the job's
 * completion commit together, so a crash re-runs the job as if it never started — exactly once.
 * `external` handlers (provider calls) run outside any transaction with a lease; they must be
 * idempotent by their own key.
 */
/** A job of a batch that failed on its own: its changes were not made; the rest of the batch commits. */
export interface JobFailure { job: JobRow; error: unknown }

/** One transactional job at a time, or (`handleBatch`) the worker's whole batch of this kind at once. */
export type TransactionalJobDefinition = { name: JobName; mode: 'transactional'; batchSize?: number } & (
  | { handle: (job: JobRow, uow: UnitOfWork) => Promise<void>; handleBatch?: never }
  | {
    /**
     * Handles the batch's jobs together, in order (the ingest pipeline). Returns the jobs that failed
     * on their own before changing anything; anything thrown fails the attempt, which the worker
     * rolls back and runs again with a savepoint per job, each job then a batch of one.
     */
    handleBatch: (jobs: JobRow[], uow: UnitOfWork) => Promise<JobFailure[]>;
    handle?: never;
  });

export type JobDefinition =
  | TransactionalJobDefinition
  | { name: JobName; mode: 'external'; handle: (job: JobRow) => Promise<void>; batchSize?: number };

/** A handler throws this to retry at a given time (provider rate limit) rather than on backoff. */
export class RetryAt extends Error {
  constructor(readonly at: Date, message: string) { super(message); }
}

/** A handler throws this when retrying cannot help: the job goes straight to dead. */
export class PermanentJobError extends Error {}

/**
 * A job's payload, read through its kind's schema (`JobPayloads`): one that does not fit is a
 * PermanentJobError — dead at once, since retrying cannot change it.
 */
export function jobPayload<N extends JobName>(job: JobRow, name: N): JobPayload<N> {
  const parsed = JobPayloads[name].safeParse(job.payload);
  if (!parsed.success) throw new PermanentJobError(`${name}: payload does not fit its schema (${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')})`);
  return parsed.data as JobPayload<N>;
}
