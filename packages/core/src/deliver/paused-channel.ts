import { sql } from '@earshot/db';
import { JOB_DELIVER } from '../conversations/conversation.service';
import { enqueueJob, enqueueJobs } from '../jobs/job.queue';
import type { JobRow } from '../jobs/job.types';
import { releaseJobKey } from '../polling/poll-state.repository';
import type { Executor, UnitOfWork } from '../shared/unit-of-work';

/** A parked delivery looks again after this long even if nobody resumes the channel (resuming runs it at once). */
const PARKED_RECHECK_MS = 60 * 60_000;
export const PAUSED_REASON = 'Waiting: the channel is paused. This reply goes out when an admin resumes it.';

/**
 * A delivery for a paused channel waits without using up its attempts: under a share lock on the channel
 * row (so a resume either commits before and we send, or after and sees the new job), the job gives its key
 * to a fresh job due in an hour and the message stays `queued` with the reason. Returns false when the
 * channel is no longer paused: send.
 */
export async function parkWhilePaused(uow: UnitOfWork, job: JobRow, m: { id: string; brand_id: string; channel_id: string }, now: Date): Promise<boolean> {
  const ch = await uow.tx.selectFrom('channels').select('status').where('id', '=', m.channel_id).forShare().executeTakeFirst();
  if (ch?.status !== 'paused') return false;
  await releaseJobKey(uow.tx, job.id);
  await enqueueJob(uow.tx, JOB_DELIVER, { messageId: m.id }, { brandId: m.brand_id, key: `deliver:${m.id}`, runAt: new Date(now.getTime() + PARKED_RECHECK_MS) });
  await uow.tx.updateTable('messages').set({ delivery_status: 'queued', delivery_error: PAUSED_REASON }).where('id', '=', m.id).where('brand_id', '=', m.brand_id).execute();
  return true;
}

/**
 * On resume, in the channel's update: every reply waiting on this channel is due now. Parked jobs are moved
 * forward (a retry waiting out an outage too); a `queued` message without a job (none should exist) gets
 * one — the key dedupes.
 */
export async function releaseParkedDeliveries(ex: Executor, brandId: string, channelId: string): Promise<number> {
  const waiting = await ex.selectFrom('messages').select(['id', 'delivery_status'])
    .where('brand_id', '=', brandId).where('channel_id', '=', channelId).where('direction', '=', 'outbound').where('kind', '=', 'message')
    .where('delivery_status', 'in', ['queued', 'sending']).execute();
  if (waiting.length === 0) return 0;
  const keys = waiting.map((w) => `deliver:${w.id}`);
  await sql`update jobs set run_at = now() where state = 'queued' and name = ${JOB_DELIVER} and key = any(${keys}::text[])`.execute(ex);
  await enqueueJobs(ex, waiting.filter((w) => w.delivery_status === 'queued').map((w) => ({ name: JOB_DELIVER, payload: { messageId: w.id }, opts: { brandId, key: `deliver:${w.id}` } })));
  return waiting.length;
}
