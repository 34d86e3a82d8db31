import { sql, type DB, type Kysely } from '@earshot/db';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';

export const REPEAT_WINDOW_DAYS = 30;

/** Case and spacing do not make a copy-paste line a different answer. Mirrored in SQL below. */
export function normaliseReplyText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

export interface RepeatCount { count: number; windowDays: number; lastSentAt: string | null }

/**
 * How often this brand already sent the same public reply in the last 30 days: the desk warns
 * before an agent posts the one line everyone has seen ("sorry, please DM us").
 */
export async function countPublicRepeats(db: Kysely<DB>, clock: Clock, actor: Actor, text: string): Promise<RepeatCount> {
  const normalised = normaliseReplyText(text);
  const since = new Date(clock.now().getTime() - REPEAT_WINDOW_DAYS * 86_400_000);
  if (!normalised) return { count: 0, windowDays: REPEAT_WINDOW_DAYS, lastSentAt: null };
  const row = await db.selectFrom('messages')
    .select([sql<string>`count(*)`.as('n'), sql<Date | null>`max(sent_at)`.as('last')])
    .where('brand_id', '=', actor.brandId).where('direction', '=', 'outbound').where('visibility', '=', 'public').where('kind', '=', 'message')
    .where('sent_at', '>=', since)
    .where(sql<boolean>`btrim(regexp_replace(lower(text), '\\s+', ' ', 'g')) = ${normalised}`)
    .executeTakeFirstOrThrow();
  const last = row.last ? new Date(row.last).toISOString() : null;
  return { count: Number(row.n), windowDays: REPEAT_WINDOW_DAYS, lastSentAt: last };
}
