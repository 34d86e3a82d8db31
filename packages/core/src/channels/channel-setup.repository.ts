import { sql } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

const CHALLENGE_KEY = 'setup.challenge';

/** The last provider challenge (X CRC, Meta hub.challenge) that reached a channel, and whether it was answered. */
export interface ChallengeSeen { at: string; ok: boolean; status: number }

export async function recordChallenge(ex: Executor, channelId: string, seen: ChallengeSeen): Promise<void> {
  await sql`
    insert into channel_state (channel_id, key, value, updated_at) values (${channelId}, ${CHALLENGE_KEY}, ${JSON.stringify(seen)}::jsonb, now())
    on conflict (channel_id, key) do update set value = excluded.value, updated_at = now()`.execute(ex);
}

export async function lastChallenge(ex: Executor, channelId: string): Promise<ChallengeSeen | null> {
  const row = await ex.selectFrom('channel_state').select('value').where('channel_id', '=', channelId).where('key', '=', CHALLENGE_KEY).executeTakeFirst();
  const v = row?.value as Partial<ChallengeSeen> | undefined;
  return v && typeof v.at === 'string' && typeof v.ok === 'boolean' ? { at: v.at, ok: v.ok, status: typeof v.status === 'number' ? v.status : 0 } : null;
}
