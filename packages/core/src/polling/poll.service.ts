import { sql, type DB, type Kysely } from '@earshot/db';
import { enqueueJob } from '../jobs/job.queue';
import type { Executor } from '../shared/unit-of-work';
import { JOB_POLL, pollJobKey } from './poll.job';
import { POLLABLE_KINDS, pollerFor } from './pollers';

/** Starts polling: for a channel when it is created, and for every pollable channel when a worker starts. */
export class PollingService {
  constructor(private readonly db: Kysely<DB>) {}

  /** In the caller's transaction (the channel's creation): the first poll is due now. Returns whether one was queued. */
  async schedule(ex: Executor, channel: { id: string; brand_id: string; kind: string; settings: Record<string, unknown>; status: string }): Promise<boolean> {
    if (channel.status === 'paused' || channel.status === 'disconnected' || !pollerFor(channel.kind, channel.settings)) return false;
    return (await enqueueJob(ex, JOB_POLL, { channelId: channel.id }, { brandId: channel.brand_id, key: pollJobKey(channel.id) })) > 0;
  }

  /** A resumed channel polls right away: a queued poll is moved forward, else one is queued. */
  async pollNow(ex: Executor, channel: { id: string; brand_id: string; kind: string; settings: Record<string, unknown>; status: string }): Promise<boolean> {
    if (!pollerFor(channel.kind, channel.settings)) return false;
    await sql`update jobs set run_at = now() where key = ${pollJobKey(channel.id)} and state = 'queued'`.execute(ex);
    return this.schedule(ex, channel);
  }

  /**
   * Every pollable channel gets a poll unless one is already queued or running (the key dedupes), so a
   * chain broken by a dead job or an older version restarts. Returns how many were queued.
   */
  async seedAll(): Promise<number> {
    const rows = await this.db.selectFrom('channels').select(['id', 'brand_id', 'kind', 'settings', 'status'])
      .where('kind', 'in', POLLABLE_KINDS).where('status', 'in', ['active', 'error']).execute();
    let n = 0;
    for (const r of rows) if (await this.schedule(this.db, r)) n += 1;
    return n;
  }

  /** When each channel's next poll is due (null: none queued), for the admin screen and tests. */
  async nextPollAt(channelId: string): Promise<Date | null> {
    const r = (await sql<{ run_at: Date }>`select run_at from jobs where key = ${pollJobKey(channelId)} and state in ('queued', 'running')`.execute(this.db)).rows[0];
    return r ? new Date(r.run_at) : null;
  }
}
