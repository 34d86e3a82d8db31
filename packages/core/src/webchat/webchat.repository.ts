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
