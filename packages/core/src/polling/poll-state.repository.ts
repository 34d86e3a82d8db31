import { sql } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

export const POLL_STATE_KEY = 'poll';

/** What the poll job keeps per channel in channel_state: the provider cursor and its failure streak. */
export interface PollState {
  cursor: unknown;
  failures: number;
  lastPolledAt: string | null;
  lastError: string | null;
}

export async function loadPollState(ex: Executor, channelId: string): Promise<PollState> {
  const row = await ex.selectFrom('channel_state').select('value').where('channel_id', '=', channelId).where('key', '=', POLL_STATE_KEY).executeTakeFirst();
  const v = (row?.value ?? {}) as Partial<PollState>;
  return { cursor: v.cursor ?? null, failures: typeof v.failures === 'number' ? v.failures : 0, lastPolledAt: v.lastPolledAt ?? null, lastError: v.lastError ?? null };
}

export async function savePollState(ex: Executor, channelId: string, state: PollState): Promise<void> {
  await sql`
    insert into channel_state (channel_id, key, value, updated_at) values (${channelId}, ${POLL_STATE_KEY}, ${JSON.stringify(state)}::jsonb, now())
    on conflict (channel_id, key) do update set value = excluded.value, updated_at = now()`.execute(ex);
}

/** The channel's health as the admin screen shows it; paused/disconnected channels are left as they are. */
export async function setChannelHealth(ex: Executor, brandId: string, channelId: string, status: 'active' | 'error', detail: string | null): Promise<void> {
  await ex.updateTable('channels').set({ status, status_detail: detail })
    .where('id', '=', channelId).where('brand_id', '=', brandId).where('status', 'in', ['active', 'error']).execute();
}

/** A job may give its dedupe key away so it can schedule its own successor under the same key. */
export async function releaseJobKey(ex: Executor, jobId: string): Promise<void> {
  await sql`update jobs set key = null where id = ${jobId}::bigint`.execute(ex);
}
