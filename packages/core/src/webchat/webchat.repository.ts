import type { Executor } from '../shared/unit-of-work';

export interface VisitorMessageRow { id: string; direction: 'inbound' | 'outbound'; text: string; sent_at: Date; agent_name: string | null }

/**
 * What a visitor may see of their own conversation: customer-facing messages only — never notes,
 * events, drafts waiting for approval or unsent replies.
 */
export async function listVisitorMessages(ex: Executor, brandId: string, channelId: string, threadKey: string, after: Date | null): Promise<VisitorMessageRow[]> {
  let q = ex.selectFrom('conversation_threads as t')
    .innerJoin('messages as m', 'm.conversation_id', 't.conversation_id')
    .leftJoin('users as u', 'u.id', 'm.author_user_id')
    .select(['m.id', 'm.direction', 'm.text', 'm.sent_at', 'u.name as agent_name'])
    .where('t.channel_id', '=', channelId).where('t.brand_id', '=', brandId).where('t.thread_key', '=', threadKey)
    .where('m.brand_id', '=', brandId).where('m.kind', '=', 'message')
    .where((eb) => eb.or([eb('m.direction', '=', 'inbound'), eb('m.delivery_status', '=', 'sent')]));
  if (after) q = q.where('m.sent_at', '>', after);
  return q.orderBy('m.sent_at').orderBy('m.created_at').limit(200).execute();
}

/** The visitor's contact, once their first message has been ingested. */
export async function findVisitorContact(ex: Executor, brandId: string, externalId: string): Promise<string | undefined> {
  const r = await ex.selectFrom('contact_identities').select('contact_id').where('brand_id', '=', brandId).where('channel_kind', '=', 'webchat').where('external_id', '=', externalId).executeTakeFirst();
  return r?.contact_id;
}

/**
 * The visitor's customer-facing messages that may have become visible since a stream cursor: created after
 * `createdAfter` (inbound messages are visible once stored; replies created after it may have been delivered),
 * or one of `ids` (replies that were still waiting for delivery). The newest 200; oldest first.
 */
export async function listVisitorMessagesForStream(ex: Executor, brandId: string, channelId: string, threadKey: string, createdAfter: Date | null, ids: string[]): Promise<(VisitorMessageRow & { conversation_id: string })[]> {
  let q = ex.selectFrom('conversation_threads as t')
    .innerJoin('messages as m', 'm.conversation_id', 't.conversation_id')
    .leftJoin('users as u', 'u.id', 'm.author_user_id')
    .select(['m.id', 'm.direction', 'm.text', 'm.sent_at', 'm.created_at', 'm.conversation_id', 'u.name as agent_name'])
    .where('t.channel_id', '=', channelId).where('t.brand_id', '=', brandId).where('t.thread_key', '=', threadKey)
    .where('m.brand_id', '=', brandId).where('m.kind', '=', 'message')
    .where((eb) => eb.or([eb('m.direction', '=', 'inbound'), eb('m.delivery_status', '=', 'sent')]));
  if (createdAfter) q = q.where((eb) => (ids.length ? eb.or([eb('m.created_at', '>', createdAfter), eb('m.id', 'in', ids)]) : eb('m.created_at', '>', createdAfter)));
  const rows = await q.orderBy('m.sent_at', 'desc').orderBy('m.created_at', 'desc').limit(200).execute();
  return rows.reverse();
}

/** The visitor's replies not yet delivered (queued, sending, awaiting approval): a stream cursor remembers them. */
export async function pendingVisitorReplies(ex: Executor, brandId: string, channelId: string, threadKey: string): Promise<string[]> {
  const rows = await ex.selectFrom('conversation_threads as t')
    .innerJoin('messages as m', 'm.conversation_id', 't.conversation_id')
    .select('m.id')
    .where('t.channel_id', '=', channelId).where('t.brand_id', '=', brandId).where('t.thread_key', '=', threadKey)
    .where('m.brand_id', '=', brandId).where('m.kind', '=', 'message').where('m.direction', '=', 'outbound')
    .where('m.delivery_status', 'in', ['queued', 'sending', 'awaiting_approval'])
    .orderBy('m.created_at').limit(50).execute();
  return rows.map((r) => r.id);
}

/** The visitor's conversation, once their first message has been ingested. */
export async function findVisitorConversation(ex: Executor, brandId: string, channelId: string, threadKey: string): Promise<string | undefined> {
  const r = await ex.selectFrom('conversation_threads').select('conversation_id').where('brand_id', '=', brandId).where('channel_id', '=', channelId).where('thread_key', '=', threadKey).executeTakeFirst();
  return r?.conversation_id;
}
