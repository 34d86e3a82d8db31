import { sql } from '@earshot/db';
import type { CanonicalMessage } from '@earshot/domain';
import type { ChannelRow } from '../channels/channel.repository';
import type { IdentityRow } from '../contacts/contact.repository';
import type { ConversationRow } from '../conversations/conversation.repository';
import type { BatchState, Executor } from '../shared/unit-of-work';
import { contactFactsMany, type ContactFacts } from './contact-facts';
import { JOB_INGEST } from './job-name';
import { loadLogs } from '../sla/sla.events';
import { batchWrites, startBatchWrites } from './batch-writes';

/**
 * What one ingest batch reads up front, for every message of every job, in five statements
 * instead of five per message: which messages are already stored, the authors' identities, the
 * conversations the thread keys point to, the returning customers' facts, and those conversations
 * (locked, in id order). Each entry answers only what was true before the batch; the batch's own
 * writes update it (`noteMessage`, `noteIdentity`, `noteThreadKeys`) or retire it (facts and
 * conversation rows are used once, and a contact the batch has touched is looked up again).
 */
export interface PrefetchItem { channel: ChannelRow; message: CanonicalMessage }

export const identityKindOf = (channel: ChannelRow): string =>
  typeof channel.settings.identityKind === 'string' ? channel.settings.identityKind : channel.kind;

export const threadKeysOf = (m: CanonicalMessage): string[] =>
  [m.replyToProviderId, ...(m.references ?? []), m.threadKey].filter((k): k is string => !!k);

const msgKey = (channelId: string, providerMessageId: string) => `msg:${channelId}:${providerMessageId}`;
const identityKey = (brandId: string, kind: string, externalId: string) => `identity:${brandId}:${kind}:${externalId}`;
const threadKey = (channelId: string, key: string) => `thread:${channelId}:${key}`;
const factsKey = (brandId: string, contactId: string) => `facts:${brandId}:${contactId}`;

export async function prefetchIngest(ex: Executor, batch: BatchState, items: PrefetchItem[]): Promise<void> {
  if (items.length === 0) return;
  const writes = startBatchWrites(batch);
  const msgs = items.filter((i) => i.message.providerMessageId);
  if (msgs.length > 0) {
    const found = (await sql<{ channel_id: string; provider_message_id: string }>`
      select channel_id, provider_message_id from messages
      where (channel_id, provider_message_id) in (select * from unnest(${msgs.map((i) => i.channel.id)}::uuid[], ${msgs.map((i) => i.message.providerMessageId)}::text[]))`.execute(ex)).rows;
    for (const i of msgs) batch.set(msgKey(i.channel.id, i.message.providerMessageId), false);
    for (const r of found) batch.set(msgKey(r.channel_id, r.provider_message_id), true);
  }

  const authors = items.filter((i) => i.message.direction === 'inbound');
  const identities = authors.length === 0 ? [] : (await sql<IdentityRow>`
    select * from contact_identities
    where (brand_id, channel_kind, external_id) in (select * from unnest(
      ${authors.map((i) => i.channel.brand_id)}::uuid[], ${authors.map((i) => identityKindOf(i.channel))}::text[], ${authors.map((i) => i.message.author.externalId)}::text[]))`.execute(ex)).rows;
  for (const i of authors) batch.set(identityKey(i.channel.brand_id, identityKindOf(i.channel), i.message.author.externalId), null);
  for (const r of identities) batch.set(identityKey(r.brand_id, r.channel_kind, r.external_id), r);

  const keys = items.flatMap((i) => threadKeysOf(i.message).map((k) => ({ channelId: i.channel.id, key: k })));
  const threads = keys.length === 0 ? [] : (await sql<{ channel_id: string; thread_key: string; conversation_id: string }>`
    select channel_id, thread_key, conversation_id from conversation_threads
    where (channel_id, thread_key) in (select * from unnest(${keys.map((k) => k.channelId)}::uuid[], ${keys.map((k) => k.key)}::text[]))`.execute(ex)).rows;
  for (const k of keys) batch.set(threadKey(k.channelId, k.key), null);
  for (const r of threads) batch.set(threadKey(r.channel_id, r.thread_key), r.conversation_id);

  // A returning customer's facts as of their first message in the batch.
  const firstAt = new Map<string, { brandId: string; contactId: string; at: Date }>();
  for (const i of authors) {
    const row = batch.get<IdentityRow | null>(identityKey(i.channel.brand_id, identityKindOf(i.channel), i.message.author.externalId));
    const k = row ? factsKey(row.brand_id, row.contact_id) : null;
    if (row && k && !firstAt.has(k)) firstAt.set(k, { brandId: row.brand_id, contactId: row.contact_id, at: new Date(i.message.sentAt) });
  }
  const facts = await contactFactsMany(ex, [...firstAt.values()]);
  for (const [k, v] of firstAt) batch.set(k, facts.get(v.contactId) ?? null);

  const convIds = new Set<string>(threads.map((t) => t.conversation_id));
  for (const f of facts.values()) if (f.openConversationId) convIds.add(f.openConversationId);
  if (convIds.size > 0) {
    // Locked in id order, so two batches never wait on each other's conversations in a cycle.
    const rows = await ex.selectFrom('conversations').selectAll().where('id', 'in', [...convIds]).orderBy('id').forUpdate().execute();
    for (const r of rows) writes.hold(r);
    // Their SLA event logs, one statement per brand (index-bound: migration 0015), kept current by the batch.
    const byBrand = new Map<string, string[]>();
    for (const r of rows) byBrand.set(r.brand_id, [...byBrand.get(r.brand_id) ?? [], r.id]);
    for (const [brandId, ids] of byBrand) {
      const logs = await loadLogs(ex, brandId, ids);
      for (const id of ids) {
        writes.setSlaLog(id, { messages: logs.messages.filter((m) => m.conversation_id === id), audit: logs.audit.filter((a) => a.subject_id === id), seen: new Set() });
      }
    }
  }
}

/** Whether the message is stored: true/false when the batch knows, undefined when it must ask. */
export function knownMessage(batch: BatchState | null, channelId: string, providerMessageId: string): boolean | undefined {
  return batch?.get<boolean>(msgKey(channelId, providerMessageId));
}

export function noteMessage(batch: BatchState | null, channelId: string, providerMessageId: string): void {
  batch?.set(msgKey(channelId, providerMessageId), true);
}

/** The identity (null: known not to exist), or undefined when the batch does not know. */
export function knownIdentity(batch: BatchState | null, brandId: string, kind: string, externalId: string): IdentityRow | null | undefined {
  return batch?.get<IdentityRow | null>(identityKey(brandId, kind, externalId));
}

export function noteIdentity(batch: BatchState | null, row: IdentityRow): void {
  batch?.set(identityKey(row.brand_id, row.channel_kind, row.external_id), row);
}

/** The conversation one of these keys belongs to (null: none), or undefined when a key is not known to the batch. */
export function knownThread(batch: BatchState | null, channelId: string, keys: string[]): string | null | undefined {
  if (!batch || keys.length === 0) return undefined;
  let all = true;
  for (const k of keys) {
    const v = batch.get<string | null>(threadKey(channelId, k));
    if (v) return v;
    if (v === undefined) all = false;
  }
  return all ? null : undefined;
}

/** Keys the batch just stored; as with `on conflict do nothing`, a key already pointing somewhere keeps it. */
export function noteThreadKeys(batch: BatchState | null, channelId: string, conversationId: string, keys: string[]): void {
  if (!batch) return;
  for (const k of keys) if (k && !batch.get<string | null>(threadKey(channelId, k))) batch.set(threadKey(channelId, k), conversationId);
}

/**
 * The contact's facts as read up front, kept current by the batch's own messages (`touchContact`):
 * undefined when they were not read, or when another kind of job ran in the batch.
 */
export function takeFacts(batch: BatchState | null, brandId: string, contactId: string): ContactFacts | null | undefined {
  if (!batch || !batch.onlyHandled(JOB_INGEST) || !batchWrites(batch)) return undefined;
  const k = factsKey(brandId, contactId);
  if (!batch.has(k)) return undefined;
  return batch.get<ContactFacts | null>(k);
}

/** A contact created by this batch: no tags, history or open conversation yet. */
export function noteNewContact(batch: BatchState | null, brandId: string, contactId: string): void {
  batch?.set(factsKey(brandId, contactId), { id: contactId, tags: [], attributes: {}, vip: false, openConversationId: null, recentInbound: 0, recentConversations: 0 } satisfies ContactFacts);
}

/**
 * A message of this batch was stored for the contact: its facts move with it (one more recent
 * message, this conversation is the open one, one more recent conversation when it was created).
 */
export function touchContact(batch: BatchState | null, brandId: string, contactId: string, change: { conversationId: string; open: boolean; created: boolean; inbound: boolean } | null = null): void {
  const k = factsKey(brandId, contactId);
  const f = batch?.get<ContactFacts | null>(k);
  if (!batch || !f || !change) {
    batch?.delete(k);
    return;
  }
  batch.set(k, {
    ...f,
    recentInbound: f.recentInbound + (change.inbound ? 1 : 0),
    recentConversations: f.recentConversations + (change.created ? 1 : 0),
    openConversationId: change.open ? change.conversationId : f.openConversationId === change.conversationId ? null : f.openConversationId,
  });
}

/** The batch's latest row of a conversation it read up front or created (undefined: read it from the table). */
export function takeConversation(batch: BatchState | null, brandId: string, id: string): ConversationRow | undefined {
  // Another kind of job in the batch (an SLA evaluation) may have changed the row since.
  const row = batch?.onlyHandled(JOB_INGEST) ? batchWrites(batch)?.conversation(id) : undefined;
  return row?.brand_id === brandId ? row : undefined;
}
