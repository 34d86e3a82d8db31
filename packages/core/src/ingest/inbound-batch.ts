import { sql } from '@earshot/db';
import type { CanonicalMessage } from '@earshot/domain';
import type { ChannelRow } from '../channels/channel.repository';
import type { IdentityRow } from '../contacts/contact.repository';
import type { ConversationRow } from '../conversations/conversation.repository';
import type { QueuedAssignment } from '../routing/routing.service';
import type { Executor } from '../shared/unit-of-work';
import { loadLogs } from '../sla/sla.events';
import { IngestBatchWrites } from './batch-writes';
import { contactFactsMany, type ContactFacts } from './contact-facts';

/** One canonical message of the batch, with the channel and the stored event it came from. */
export interface InboundItem { channel: ChannelRow; message: CanonicalMessage; eventId: string }

export const identityKindOf = (channel: ChannelRow): string =>
  typeof channel.settings.identityKind === 'string' ? channel.settings.identityKind : channel.kind;

export const threadKeysOf = (m: CanonicalMessage): string[] =>
  [m.replyToProviderId, ...(m.references ?? []), m.threadKey].filter((k): k is string => !!k);

const msgKey = (channelId: string, providerMessageId: string) => `${channelId}\n${providerMessageId}`;
const identityKey = (brandId: string, kind: string, externalId: string) => `${brandId}\n${kind}\n${externalId}`;
const threadKey = (channelId: string, key: string) => `${channelId}\n${key}`;
const factsKey = (brandId: string, contactId: string) => `${brandId}\n${contactId}`;

/**
 * One worker batch of inbound messages: what it read up front (`InboundBatch.prefetch`, five
 * statements for the whole batch instead of five per message), kept true as the batch stores its
 * own messages, and what it will write at its end (`writes`, one multi-row statement per table) and
 * assign (`assignments`, decided in the pools' locks just before the rows are written).
 *
 * Each lookup answers `undefined` when the batch does not know (the caller asks the table), so a
 * message whose keys were not read up front is still handled correctly.
 */
export class InboundBatch {
  readonly writes = new IngestBatchWrites();
  /** Conversations routing asked to assign, by id: the latest routing record of each (routing.service.ts). */
  readonly assignments = new Map<string, QueuedAssignment>();
  readonly #stored = new Map<string, boolean>();
  readonly #identities = new Map<string, IdentityRow | null>();
  readonly #threads = new Map<string, string | null>();
  readonly #facts = new Map<string, ContactFacts | null>();

  /** Reads what every message of the batch will look up; locks the conversations they already have, in id order. */
  static async prefetch(ex: Executor, items: readonly InboundItem[]): Promise<InboundBatch> {
    const b = new InboundBatch();
    if (items.length === 0) return b;
    const msgs = items.filter((i) => i.message.providerMessageId);
    if (msgs.length > 0) {
      const found = (await sql<{ channel_id: string; provider_message_id: string }>`
        select channel_id, provider_message_id from messages
        where (channel_id, provider_message_id) in (select * from unnest(${msgs.map((i) => i.channel.id)}::uuid[], ${msgs.map((i) => i.message.providerMessageId)}::text[]))`.execute(ex)).rows;
      for (const i of msgs) b.#stored.set(msgKey(i.channel.id, i.message.providerMessageId), false);
      for (const r of found) b.#stored.set(msgKey(r.channel_id, r.provider_message_id), true);
    }

    const authors = items.filter((i) => i.message.direction === 'inbound');
    const identities = authors.length === 0 ? [] : (await sql<IdentityRow>`
      select * from contact_identities
      where (brand_id, channel_kind, external_id) in (select * from unnest(
        ${authors.map((i) => i.channel.brand_id)}::uuid[], ${authors.map((i) => identityKindOf(i.channel))}::text[], ${authors.map((i) => i.message.author.externalId)}::text[]))`.execute(ex)).rows;
    for (const i of authors) b.#identities.set(identityKey(i.channel.brand_id, identityKindOf(i.channel), i.message.author.externalId), null);
    for (const r of identities) b.#identities.set(identityKey(r.brand_id, r.channel_kind, r.external_id), r);

    const keys = items.flatMap((i) => threadKeysOf(i.message).map((k) => ({ channelId: i.channel.id, key: k })));
    const threads = keys.length === 0 ? [] : (await sql<{ channel_id: string; thread_key: string; conversation_id: string }>`
      select channel_id, thread_key, conversation_id from conversation_threads
      where (channel_id, thread_key) in (select * from unnest(${keys.map((k) => k.channelId)}::uuid[], ${keys.map((k) => k.key)}::text[]))`.execute(ex)).rows;
    for (const k of keys) b.#threads.set(threadKey(k.channelId, k.key), null);
    for (const r of threads) b.#threads.set(threadKey(r.channel_id, r.thread_key), r.conversation_id);

    // A returning customer's facts as of their first message in the batch.
    const firstAt = new Map<string, { brandId: string; contactId: string; at: Date }>();
    for (const i of authors) {
      const row = b.#identities.get(identityKey(i.channel.brand_id, identityKindOf(i.channel), i.message.author.externalId));
      const k = row ? factsKey(row.brand_id, row.contact_id) : null;
      if (row && k && !firstAt.has(k)) firstAt.set(k, { brandId: row.brand_id, contactId: row.contact_id, at: new Date(i.message.sentAt) });
    }
    const facts = await contactFactsMany(ex, [...firstAt.values()]);
    for (const [k, v] of firstAt) b.#facts.set(k, facts.get(v.contactId) ?? null);

    const convIds = new Set<string>(threads.map((t) => t.conversation_id));
    for (const f of facts.values()) if (f.openConversationId) convIds.add(f.openConversationId);
    if (convIds.size > 0) {
      // Locked in id order, so two batches never wait on each other's conversations in a cycle.
      const rows = await ex.selectFrom('conversations').selectAll().where('id', 'in', [...convIds]).orderBy('id').forUpdate().execute();
      for (const r of rows) b.writes.hold(r);
      // Their SLA event logs, one statement per brand (index-bound: migration 0015), kept current by the batch.
      const byBrand = new Map<string, string[]>();
      for (const r of rows) byBrand.set(r.brand_id, [...byBrand.get(r.brand_id) ?? [], r.id]);
      for (const [brandId, ids] of byBrand) {
        const logs = await loadLogs(ex, brandId, ids);
        for (const id of ids) {
          b.writes.setSlaLog(id, { messages: logs.messages.filter((m) => m.conversation_id === id), audit: logs.audit.filter((a) => a.subject_id === id), seen: new Set() });
        }
      }
    }
    return b;
  }

  /** Whether the message is stored: true/false when the batch knows, undefined when it must ask. */
  knownMessage(channelId: string, providerMessageId: string): boolean | undefined {
    return this.#stored.get(msgKey(channelId, providerMessageId));
  }

  noteMessage(channelId: string, providerMessageId: string): void {
    this.#stored.set(msgKey(channelId, providerMessageId), true);
  }

  /** The identity (null: known not to exist), or undefined when the batch does not know. */
  knownIdentity(brandId: string, kind: string, externalId: string): IdentityRow | null | undefined {
    return this.#identities.get(identityKey(brandId, kind, externalId));
  }

  noteIdentity(row: IdentityRow): void {
    this.#identities.set(identityKey(row.brand_id, row.channel_kind, row.external_id), row);
  }

  /** The conversation one of these keys belongs to (null: none), or undefined when a key is not known to the batch. */
  knownThread(channelId: string, keys: readonly string[]): string | null | undefined {
    if (keys.length === 0) return undefined;
    let all = true;
    for (const k of keys) {
      const v = this.#threads.get(threadKey(channelId, k));
      if (v) return v;
      if (v === undefined) all = false;
    }
    return all ? null : undefined;
  }

  /** Keys the batch just stored; as with `on conflict do nothing`, a key already pointing somewhere keeps it. */
  noteThreadKeys(channelId: string, conversationId: string, keys: readonly string[]): void {
    for (const k of keys) if (k && !this.#threads.get(threadKey(channelId, k))) this.#threads.set(threadKey(channelId, k), conversationId);
  }

  /** The contact's facts as read up front, kept current by the batch's own messages; undefined when not read. */
  facts(brandId: string, contactId: string): ContactFacts | null | undefined {
    return this.#facts.get(factsKey(brandId, contactId));
  }

  /** A contact created by this batch: no tags, history or open conversation yet. */
  noteNewContact(brandId: string, contactId: string): void {
    this.#facts.set(factsKey(brandId, contactId), { id: contactId, tags: [], attributes: {}, vip: false, openConversationId: null, recentInbound: 0, recentConversations: 0 });
  }

  /**
   * A message of this batch was stored for the contact: its facts move with it (one more recent
   * message, this conversation is the open one, one more recent conversation when it was created).
   */
  touchContact(brandId: string, contactId: string, change: { conversationId: string; open: boolean; created: boolean; inbound: boolean }): void {
    const k = factsKey(brandId, contactId);
    const f = this.#facts.get(k);
    if (!f) {
      this.#facts.delete(k);
      return;
    }
    this.#facts.set(k, {
      ...f,
      recentInbound: f.recentInbound + (change.inbound ? 1 : 0),
      recentConversations: f.recentConversations + (change.created ? 1 : 0),
      openConversationId: change.open ? change.conversationId : f.openConversationId === change.conversationId ? null : f.openConversationId,
    });
  }

  /** The batch's latest row of a conversation it read up front or created (undefined: read it from the table). */
  conversation(brandId: string, id: string): ConversationRow | undefined {
    const row = this.writes.conversation(id);
    return row?.brand_id === brandId ? row : undefined;
  }
}
