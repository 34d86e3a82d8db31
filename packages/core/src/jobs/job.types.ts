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
export type JobDefinition =
  | {
    name: string; mode: 'transactional'; handle: (job: JobRow, uow: UnitOfWork) => Promise<void>; batchSize?: number;
    /** Once per batch before any `handle`, with this kind's jobs: load what they all need in one query. */
    prepare?: (jobs: JobRow[], uow: UnitOfWork) => Promise<void>;
    /** Once per batch after the handlers, with the jobs that succeeded: one write for all of them. */
    afterBatch?: (done: JobRow[], uow: UnitOfWork) => Promise<void>;
  }
  | { name: string; mode: 'external'; handle: (job: JobRow) => Promise<void>; batchSize?: number };

/** A handler throws this to retry at a given time (provider rate limit) rather than on backoff. */
export class RetryAt extends Error {
  constructor(readonly at: Date, message: string) { super(message); }
}

/** A handler throws this when retrying cannot help: the job goes straight to dead. */
export class PermanentJobError extends Error {}
