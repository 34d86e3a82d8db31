import type { JobName } from '@earshot/domain';
import type { DB, Kysely } from '@earshot/db';
import { isEarshotError } from '@earshot/domain';
import { findChannelById } from '../channels/channel.repository';
import type { ChannelService } from '../channels/channel.service';
import type { IngestService } from '../ingest/ingest.service';
import { enqueueJob } from '../jobs/job.queue';
import type { JobDefinition } from '../jobs/job.types';
import { jobPayload } from '../jobs/job.types';
import type { Clock } from '../shared/clock';
import { transact } from '../shared/unit-of-work';
import { loadPollState, releaseJobKey, savePollState, setChannelHealth, type PollState } from './poll-state.repository';
import { pollerFor, pollIntervalSeconds } from './pollers';

export const JOB_POLL = 'channel.poll' satisfies JobName;
export const pollJobKey = (channelId: string): string => `poll:${channelId}`;

/** Pages read in one run before yielding the worker to other jobs; the rest follows right after. */
const MAX_PAGES_PER_RUN = 10;
const MAX_BACKOFF_SECONDS = 3600;
// Provider trouble is the channel's state, not the job's: it is recorded and the next poll is scheduled.
const PROVIDER_CODES = new Set(['EARSHOT_PROVIDER_RATE_LIMITED', 'EARSHOT_PROVIDER_UNAVAILABLE', 'EARSHOT_PROVIDER_REJECTED', 'EARSHOT_CONFIG', 'EARSHOT_VALIDATION']);

export interface PollJobDeps { db: Kysely<DB>; channels: ChannelService; ingest: IngestService; clock: Clock }

/**
 * channel.poll: one poll of a pollable channel (X mentions, IMAP, feeds). Reads the cursor from
 * channel_state, stores the events through IngestService.store (idempotent by provider event id),
 * then saves the cursor — a crash in between re-reads and dedupes. Schedules its successor (key
 * `poll:<channelId>`) at the channel's interval, sooner when more is waiting, later after errors.
 */
export function pollJob(deps: PollJobDeps): JobDefinition {
  const { db } = deps;
  return {
    name: JOB_POLL,
    mode: 'external',
    async handle(job) {
      const { channelId } = jobPayload(job, JOB_POLL);
      const row = await findChannelById(db, channelId);
      // Deleted, paused or disconnected channels stop polling; resuming schedules a poll again.
      if (!row || row.status === 'paused' || row.status === 'disconnected') return;
      const poller = pollerFor(row.kind, row.settings);
      if (!poller) return;
      const ctx = { channelId: row.id, brandId: row.brand_id, credentials: deps.channels.credentials(row), settings: row.settings };
      const interval = pollIntervalSeconds(poller, row.settings);
      let state: PollState = await loadPollState(db, row.id);
      const now = () => deps.clock.now();
      let runAt: Date;
      let health: { status: 'active' | 'error'; detail: string | null };
      try {
        let more = false;
        for (let page = 0; page < MAX_PAGES_PER_RUN; page++) {
          const r = await poller.poll(ctx, state.cursor);
          if (r.events.length > 0) await deps.ingest.store(row.brand_id, row.id, r.events);
          state = { cursor: r.state, failures: 0, lastPolledAt: now().toISOString(), lastError: null };
          await savePollState(db, row.id, state);
          more = r.more;
          if (!more) break;
        }
        runAt = new Date(now().getTime() + (more ? 1 : interval) * 1000);
        health = { status: 'active', detail: null };
      } catch (err) {
        if (!isEarshotError(err) || !PROVIDER_CODES.has(err.code)) throw err; // our own trouble: the worker retries
        const failures = state.failures + 1;
        const reason = `${err.code}: ${err.message}`;
        if (err.code === 'EARSHOT_PROVIDER_RATE_LIMITED') {
          const retryAt = typeof err.details?.retryAt === 'string' ? new Date(err.details.retryAt) : null;
          runAt = retryAt && retryAt.getTime() > now().getTime() ? retryAt : new Date(now().getTime() + interval * 1000);
          health = { status: 'active', detail: `rate limited by the provider until ${runAt.toISOString()}` };
        } else {
          const backoff = Math.min(MAX_BACKOFF_SECONDS, interval * 2 ** Math.min(failures, 12));
          runAt = new Date(now().getTime() + backoff * 1000);
          health = { status: 'error', detail: `${reason} (attempt ${failures}; next poll ${runAt.toISOString()})` };
        }
        await savePollState(db, row.id, { ...state, failures, lastError: reason });
      }
      await transact(db, async (uow) => {
        await releaseJobKey(uow.tx, job.id);
        await enqueueJob(uow.tx, JOB_POLL, { channelId: row.id }, { brandId: row.brand_id, key: pollJobKey(row.id), runAt });
        await setChannelHealth(uow.tx, row.brand_id, row.id, health.status, health.detail);
      });
    },
  };
}
