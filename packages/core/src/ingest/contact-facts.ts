import { sql } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

const DAY_MS = 86_400_000;
/** Customer messages in this window make a repeat contact for triage (urgency). */
export const RECENT_INBOUND_DAYS = 7;
/** Conversations opened in this window make a repeat contact for routing rules. */
export const REPEAT_CONVERSATION_DAYS = 30;

/** What the pipeline needs to know about a returning customer, read in one round trip. */
export interface ContactFacts {
  /** The surviving contact (merge pointers followed). */
  id: string;
  tags: string[];
  attributes: Record<string, unknown>;
  vip: boolean;
  /** The contact's most recent conversation that is not resolved: a standalone post joins it. */
  openConversationId: string | null;
  /** Customer messages of this contact in the last RECENT_INBOUND_DAYS before `at`. */
  recentInbound: number;
  /** Conversations of this contact created in the last REPEAT_CONVERSATION_DAYS before `at` (this message's not yet counted). */
  recentConversations: number;
}

/**
 * Follows the contact's merge pointers to the survivor and reads its tags and attributes, its open
 * conversation and how often it has written lately — what resolve, triage and routing would
 * otherwise ask for in five separate queries. Null when the chain does not end in this brand.
 */
export async function contactFacts(ex: Executor, brandId: string, contactId: string, at: Date): Promise<ContactFacts | null> {
  const inboundSince = new Date(at.getTime() - RECENT_INBOUND_DAYS * DAY_MS);
  const conversationsSince = new Date(at.getTime() - REPEAT_CONVERSATION_DAYS * DAY_MS);
  const r = await sql<{ id: string; tags: string[]; attributes: Record<string, unknown>; vip: boolean; open_id: string | null; recent_inbound: string; recent_conversations: string }>`
    with recursive chain(id, merged_into, depth) as (
      select id, merged_into, 0 from contacts where id = ${contactId} and brand_id = ${brandId}
      union all
      select c.id, c.merged_into, chain.depth + 1 from contacts c join chain on c.id = chain.merged_into where chain.depth < 20
    ), survivor as (select id from chain where merged_into is null limit 1)
    select k.id, k.tags, k.attributes, k.vip,
      (select cv.id from conversations cv where cv.brand_id = ${brandId} and cv.contact_id = k.id and cv.status <> 'resolved'
        order by cv.last_activity_at desc limit 1) as open_id,
      (select count(*) from messages m join conversations cv on cv.id = m.conversation_id
        where cv.brand_id = ${brandId} and cv.contact_id = k.id and m.direction = 'inbound' and m.sent_at >= ${inboundSince}) as recent_inbound,
      (select count(*) from conversations cv where cv.brand_id = ${brandId} and cv.contact_id = k.id and cv.created_at >= ${conversationsSince}) as recent_conversations
    from contacts k join survivor s on s.id = k.id
    where k.brand_id = ${brandId}`.execute(ex);
  const row = r.rows[0];
  if (!row) return null;
  return {
    id: row.id, tags: row.tags, attributes: row.attributes, vip: row.vip, openConversationId: row.open_id,
    recentInbound: Number(row.recent_inbound), recentConversations: Number(row.recent_conversations),
  };
}
