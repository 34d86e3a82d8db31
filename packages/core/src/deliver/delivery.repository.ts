import { sql } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

export type DeliveryState = 'in_flight' | 'retrying' | 'sent' | 'failed';

export interface DeliveryRow {
  message_id: string;
  brand_id: string;
  channel_id: string;
  state: DeliveryState;
  attempts: number;
  provider_message_ids: string[];
  delivered_part_ids: string[];
  last_error: string | null;
  last_error_code: string | null;
  started_at: Date | null;
  sent_at: Date | null;
}

// message_deliveries is typed here rather than in the shared schema: only this file touches it.

export async function findDelivery(ex: Executor, messageId: string): Promise<DeliveryRow | undefined> {
  return (await sql<DeliveryRow>`select * from message_deliveries where message_id = ${messageId}`.execute(ex)).rows[0];
}

/** Marks an attempt as under way; the row is committed before the provider is called. */
export async function startAttempt(ex: Executor, row: { messageId: string; brandId: string; channelId: string }): Promise<void> {
  await sql`
    insert into message_deliveries (message_id, brand_id, channel_id, state, attempts, started_at)
    values (${row.messageId}, ${row.brandId}, ${row.channelId}, 'in_flight', 1, now())
    on conflict (message_id) do update set state = 'in_flight', attempts = message_deliveries.attempts + 1, started_at = now(), updated_at = now()`.execute(ex);
}

export async function finishSent(ex: Executor, messageId: string, providerIds: string[]): Promise<void> {
  await sql`
    update message_deliveries set state = 'sent', provider_message_ids = ${providerIds}::text[], delivered_part_ids = ${providerIds}::text[],
      last_error = null, last_error_code = null, sent_at = now(), updated_at = now()
    where message_id = ${messageId}`.execute(ex);
}

/** A failed attempt: parts that did go out are kept (merged, in order) so the retry resumes after them. */
export async function finishFailed(ex: Executor, messageId: string, f: { state: 'retrying' | 'failed'; error: string; code: string | null; deliveredPartIds: string[] }): Promise<void> {
  await sql`
    update message_deliveries set state = ${f.state}, last_error = ${f.error.slice(0, 2000)}, last_error_code = ${f.code},
      delivered_part_ids = case when cardinality(${f.deliveredPartIds}::text[]) > cardinality(delivered_part_ids) then ${f.deliveredPartIds}::text[] else delivered_part_ids end,
      provider_message_ids = case when cardinality(${f.deliveredPartIds}::text[]) > cardinality(provider_message_ids) then ${f.deliveredPartIds}::text[] else provider_message_ids end,
      updated_at = now()
    where message_id = ${messageId}`.execute(ex);
}

/** Messages a channel sent in the last 24 hours: the brand's own daily budget is counted against this. */
export async function sentSince(ex: Executor, brandId: string, channelId: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
  const r = (await sql<{ count: string; oldest: Date | null }>`
    select count(*)::text as count, min(sent_at) as oldest from message_deliveries
    where brand_id = ${brandId} and channel_id = ${channelId} and state = 'sent' and sent_at >= ${since}`.execute(ex)).rows[0];
  return { count: Number(r?.count ?? 0), oldest: r?.oldest ? new Date(r.oldest) : null };
}
