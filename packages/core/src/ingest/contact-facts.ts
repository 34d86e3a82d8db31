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
  return (await contactFactsMany(ex, [{ brandId, contactId, at }])).get(contactId) ?? null;
}

/** `contactFacts` for many contacts in one statement, keyed by the contact id asked for. */
export async function contactFactsMany(ex: Executor, items: { brandId: string; contactId: string; at: Date }[]): Promise<Map<string, ContactFacts>> {
  const out = new Map<string, ContactFacts>();
  if (items.length === 0) return out;
  const r = await sql<{ start: string; id: string; tags: string[]; attributes: Record<string, unknown>; vip: boolean; open_id: string | null; recent_inbound: string; recent_conversations: string }>`
    with recursive input(brand_id, contact_id, inbound_since, conversations_since) as (
      select * from unnest(${items.map((i) => i.brandId)}::uuid[], ${items.map((i) => i.contactId)}::uuid[],
        ${items.map((i) => new Date(i.at.getTime() - RECENT_INBOUND_DAYS * DAY_MS))}::timestamptz[],
        ${items.map((i) => new Date(i.at.getTime() - REPEAT_CONVERSATION_DAYS * DAY_MS))}::timestamptz[])
    ), chain(start, brand_id, inbound_since, conversations_since, id, merged_into, depth) as (
      select i.contact_id, i.brand_id, i.inbound_since, i.conversations_since, c.id, c.merged_into, 0
      from input i join contacts c on c.id = i.contact_id and c.brand_id = i.brand_id
      union all
      select chain.start, chain.brand_id, chain.inbound_since, chain.conversations_since, c.id, c.merged_into, chain.depth + 1
      from contacts c join chain on c.id = chain.merged_into where chain.depth < 20
    ), survivor as (
      select distinct on (start) start, brand_id, inbound_since, conversations_since, id from chain where merged_into is null order by start, depth
    )
    select s.start, k.id, k.tags, k.attributes, k.vip,
      (select cv.id from conversations cv where cv.brand_id = s.brand_id and cv.contact_id = k.id and cv.status <> 'resolved'
        order by cv.last_activity_at desc limit 1) as open_id,
      (select count(*) from messages m join conversations cv on cv.id = m.conversation_id
        where cv.brand_id = s.brand_id and cv.contact_id = k.id and m.direction = 'inbound' and m.sent_at >= s.inbound_since) as recent_inbound,
      (select count(*) from conversations cv where cv.brand_id = s.brand_id and cv.contact_id = k.id and cv.created_at >= s.conversations_since) as recent_conversations
    from survivor s join contacts k on k.id = s.id and k.brand_id = s.brand_id`.execute(ex);
  for (const row of r.rows) {
    out.set(row.start, {
      id: row.id, tags: row.tags, attributes: row.attributes, vip: row.vip, openConversationId: row.open_id,
      recentInbound: Number(row.recent_inbound), recentConversations: Number(row.recent_conversations),
    });
  }
  return out;
}
