import type { JobName } from '@earshot/domain';
import { enqueueJob, enqueueJobs } from '../jobs/job.queue';
import { jobPayload, PermanentJobError, type JobDefinition } from '../jobs/job.types';
import type { Executor, UnitOfWork } from '../shared/unit-of-work';
import { accumulate, computeFacts, isZero, type RollupMetrics } from './conversation-facts';
import {
  addToRollups, addToTerms, changesAfter, conversationsOfMessages, loadConversations, loadFacts, loadMessages, lockCursor, moveCursor, saveFacts,
  type RollupDelta,
} from './analytics.repository';

export const JOB_ANALYTICS_ROLLUP = 'analytics.rollup' satisfies JobName;
export const rollupKey = (brandId: string) => `analytics.rollup:${brandId}`;
export const rollupSweepKey = (brandId: string) => `analytics.sweep:${brandId}`;

/** Audit rows read per run; a longer backlog continues in the next run (each its own transaction). */
export const ROLLUP_CHANGES_PER_RUN = 2000;
/** After a run that found changes, one more runs this much later: it catches a wake-up that was lost. */
const SWEEP_MS = 5 * 60_000;
/**
 * A catch-up runs this long after the change that asked for it, so the changes of those seconds share
 * one run (and never join the ingest batch that caused them). Wall-clock: the queue's run_at is.
 */
export const ROLLUP_DEBOUNCE_MS = 2000;

export interface RollupRunResult { changes: number; conversations: number; reachedSeq: string; more: boolean }

/**
 * Brings a brand's rollups up to its audit trail (ADR 0022), in the caller's transaction: reads the
 * audit rows after the brand's cursor, recomputes the facts of the conversations they name from their
 * raw rows, adds (new − old) to the hourly rollups and term counts, and moves the cursor. A crash
 * re-runs it as if it never started; the work is bounded by the changes, never by the brand's history.
 */
export async function catchUpBrand(uow: UnitOfWork, brandId: string, limit = ROLLUP_CHANGES_PER_RUN): Promise<RollupRunResult> {
  const tx = uow.tx;
  const from = await lockCursor(tx, brandId);
  const changes = await changesAfter(tx, brandId, from, limit);
  const last = changes[changes.length - 1];
  if (!last) return { changes: 0, conversations: 0, reachedSeq: from, more: false };
  const ids = new Set<string>();
  const bareMessages: string[] = [];
  for (const c of changes) {
    if (c.subject_type === 'conversation' && c.subject_id) ids.add(c.subject_id);
    else if (c.conversation_id) ids.add(c.conversation_id);
    else if (c.subject_type === 'message' && c.subject_id) bareMessages.push(c.subject_id);
  }
  for (const id of await conversationsOfMessages(tx, brandId, bareMessages)) ids.add(id);
  const list = [...ids].sort();
  await refreshConversations(uow, brandId, list);
  await moveCursor(tx, brandId, last.seq);
  return { changes: changes.length, conversations: list.length, reachedSeq: last.seq, more: changes.length === limit };
}

/** Recomputes these conversations' facts and moves the rollups by the difference (also the rebuild's step). */
export async function refreshConversations(uow: UnitOfWork, brandId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const tx = uow.tx;
  const old = await loadFacts(tx, brandId, ids);
  const convs = await loadConversations(tx, brandId, ids);
  const messages = await loadMessages(tx, brandId, convs.map((c) => c.id));
  const fresh = convs.map((c) => computeFacts(c, messages.get(c.id) ?? []));
  const rows = new Map<string, RollupMetrics>();
  const terms = new Map<string, number>();
  for (const f of old) accumulate(rows, terms, f, -1);
  for (const f of fresh) accumulate(rows, terms, f, 1);
  const deltas: RollupDelta[] = [];
  for (const [k, m] of rows) {
    if (isZero(m)) continue;
    const [dim = '', key = '', hour = ''] = k.split('\u0000');
    deltas.push({ dim, key, hour, ...m });
  }
  const termDeltas = [...terms].filter(([, n]) => n !== 0).map(([k, n]) => {
    const [hour = '', term = ''] = k.split('\u0000');
    return { hour, term, conversations: n };
  });
  const present = new Set(convs.map((c) => c.id));
  await saveFacts(tx, brandId, fresh, old.map((f) => f.conversation_id).filter((id) => !present.has(id)));
  await addToRollups(tx, brandId, deltas);
  await addToTerms(tx, brandId, termDeltas);
}

export function analyticsRollupJob(): JobDefinition {
  return {
    name: JOB_ANALYTICS_ROLLUP,
    mode: 'transactional',
    batchSize: 5,
    async handle(job, uow) {
      const { brandId } = jobPayload(job, JOB_ANALYTICS_ROLLUP);
      if (!brandId) throw new PermanentJobError('analytics.rollup without a brand');
      // A change committed while this runs must enqueue a run of its own rather than find our key taken.
      await uow.tx.updateTable('jobs').set({ key: null }).where('id', '=', job.id).execute();
      const r = await catchUpBrand(uow, brandId);
      if (r.more) await enqueueJob(uow.tx, JOB_ANALYTICS_ROLLUP, { brandId }, { brandId, key: rollupKey(brandId) });
      else if (r.changes > 0) await enqueueJob(uow.tx, JOB_ANALYTICS_ROLLUP, { brandId }, { brandId, key: rollupSweepKey(brandId), runAt: new Date(Date.now() + SWEEP_MS) });
    },
  };
}

/** Enqueues a catch-up of each brand after the debounce (key-deduped: one waits per brand). */
export async function enqueueRollups(ex: Executor, brandIds: string[], debounceMs = ROLLUP_DEBOUNCE_MS): Promise<number> {
  const runAt = new Date(Date.now() + debounceMs);
  return enqueueJobs(ex, brandIds.map((brandId) => ({ name: JOB_ANALYTICS_ROLLUP, payload: { brandId }, opts: { brandId, key: rollupKey(brandId), runAt } })));
}
