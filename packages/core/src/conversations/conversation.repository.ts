import { sql, type Selectable, type ConversationsTable, type MessagesTable, type Updateable } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;

export async function lockConversation(ex: Executor, brandId: string, id: string): Promise<ConversationRow | undefined> {
  return ex.selectFrom('conversations').selectAll().where('brand_id', '=', brandId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findConversation(ex: Executor, brandId: string, id: string): Promise<ConversationRow | undefined> {
  return ex.selectFrom('conversations').selectAll().where('brand_id', '=', brandId).where('id', '=', id).executeTakeFirst();
}

export async function updateConversation(ex: Executor, brandId: string, id: string, set: Updateable<ConversationsTable>): Promise<ConversationRow> {
  return ex.updateTable('conversations').set({ ...set, updated_at: new Date() }).where('brand_id', '=', brandId).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** The conversation one of these provider ids already belongs to (reply chain, DM thread, References). */
export async function findByThreadKeys(ex: Executor, channelId: string, keys: string[]): Promise<string | undefined> {
  if (keys.length === 0) return undefined;
  const r = await ex.selectFrom('conversation_threads').select('conversation_id').where('channel_id', '=', channelId).where('thread_key', 'in', keys).limit(1).executeTakeFirst();
  return r?.conversation_id;
}

export async function addThreadKeys(ex: Executor, brandId: string, channelId: string, conversationId: string, keys: string[]): Promise<void> {
  const unique = [...new Set(keys.filter(Boolean))];
  if (unique.length === 0) return;
  await ex.insertInto('conversation_threads').values(unique.map((k) => ({ brand_id: brandId, channel_id: channelId, thread_key: k, conversation_id: conversationId })))
    .onConflict((oc) => oc.columns(['channel_id', 'thread_key']).doNothing()).execute();
}

/** The contact's most recent conversation that is not resolved: new standalone posts join it. */
export async function findOpenForContact(ex: Executor, brandId: string, contactId: string): Promise<string | undefined> {
  const r = await ex.selectFrom('conversations').select('id').where('brand_id', '=', brandId).where('contact_id', '=', contactId)
    .where('status', '!=', 'resolved').orderBy('last_activity_at', 'desc').limit(1).executeTakeFirst();
  return r?.id;
}

export async function findMessageByProviderId(ex: Executor, channelId: string, providerMessageId: string): Promise<{ id: string; conversation_id: string } | undefined> {
  return ex.selectFrom('messages').select(['id', 'conversation_id']).where('channel_id', '=', channelId).where('provider_message_id', '=', providerMessageId).executeTakeFirst();
}

export async function listMessages(ex: Executor, brandId: string, conversationId: string): Promise<MessageRow[]> {
  return ex.selectFrom('messages').selectAll().where('brand_id', '=', brandId).where('conversation_id', '=', conversationId).orderBy('sent_at').orderBy('created_at').orderBy('id').execute();
}

export async function countRecentInbound(ex: Executor, brandId: string, contactId: string, since: Date): Promise<number> {
  const r = await sql<{ n: string }>`
    select count(*) as n from messages m join conversations c on c.id = m.conversation_id
    where c.brand_id = ${brandId} and c.contact_id = ${contactId} and m.direction = 'inbound' and m.sent_at >= ${since}`.execute(ex);
  return Number(r.rows[0]?.n ?? 0);
}
