import { randomUUID } from 'node:crypto';
import type { ConversationsTable, Updateable } from '@earshot/db';
import type { CanonicalMessage } from '@earshot/domain';
import type { DeskEvent } from '../events/event-bus';
import type { ChannelRow } from '../channels/channel.repository';
import { resolveContactId, upsertIdentity, type IdentityInput, type IdentityRow } from '../contacts/contact.repository';
import {
  countRecentInbound, findByThreadKeys, findMessageByProviderId, findOpenForContact, lockConversation, updateConversation,
  type ConversationRow, type MessageRow,
} from '../conversations/conversation.repository';
import type { Clock } from '../shared/clock';
import type { UnitOfWork } from '../shared/unit-of-work';
import { promotedModelRef } from '../triage/triage-model.repository';
import type { MessageClassifier } from './message-classifier';
import { identityKindOf, threadKeysOf, type InboundBatch } from './inbound-batch';
import type { IngestBatchWrites } from './batch-writes';
import { loadLogs } from '../sla/sla.events';
import { contactFacts, RECENT_INBOUND_DAYS, REPEAT_CONVERSATION_DAYS, type ContactFacts } from './contact-facts';

/** What routing and the SLA clock need to know about one stored inbound message (process-inbound.usecase.ts). */
export interface StoredInbound {
  conversation: ConversationRow;
  message: MessageRow;
  created: boolean;
  reopened: boolean;
  /** The author's contact was created by this message (so it has no history, tags or merges). */
  newContact: boolean;
  /**
   * The conversation's changes from this message, not written yet (`conversation` already shows
   * them): routing and the SLA clock write them with theirs (null when there is nothing to write).
   */
  pending: Updateable<ConversationsTable> | null;
  /** The conversation's contact and its repeat count, when already read (saves routing the queries). */
  contact?: { tags: string[]; attributes: Record<string, unknown>; vip: boolean; priorConversations: number };
}

export interface ResolveInput {
  brandId: string;
  channel: ChannelRow;
  message: CanonicalMessage;
  /** The stored inbound event (raw provider payload) the message came from. */
  inboundEventId: string | null;
  clock: Clock;
  classifier: MessageClassifier | null;
}

/**
 * A stored message: a customer's (`inbound`, for routing and the clock) or the brand's own reply
 * seen on the provider (`echo`: the conversation as it now is, for the clock), with the desk events
 * to publish after commit.
 */
export type ResolveResult =
  | { kind: 'inbound'; stored: StoredInbound; events: DeskEvent[] }
  | { kind: 'echo'; conversation: ConversationRow; events: DeskEvent[] };

const PREVIEW_CHARS = 280;

/**
 * resolve: find or create the contact (by identity) and the conversation (reply chain → DM thread
 * → the contact's open conversation → new), triage a customer's message, store it once, reopen a
 * resolved conversation on a new inbound message, and record all of it in the audit trail.
 *
 * With an inbound batch (a worker batch without savepoints) every look-up is answered from what the
 * batch read up front and every row is collected for the batch's end; without one (a job rerun
 * alone under a savepoint) each look-up and write is its own statement, which settles races with
 * concurrent batches row by row.
 */
export async function resolveMessage(uow: UnitOfWork, batch: InboundBatch | null, input: ResolveInput): Promise<ResolveResult | null> {
  const { tx } = uow;
  const { brandId, channel, message: m, clock } = input;
  const writes = batch?.writes;
  // Stored once, whatever the delivery count.
  if (batch?.knownMessage(channel.id, m.providerMessageId) ?? await findMessageByProviderId(tx, channel.id, m.providerMessageId)) return null;

  const inbound = m.direction === 'inbound';
  const sentAt = new Date(m.sentAt);
  const now = clock.now();
  const threadKeys = threadKeysOf(m);
  const knownConversation = batch?.knownThread(channel.id, threadKeys);
  let conversationId = knownConversation === undefined ? await findByThreadKeys(tx, channel.id, threadKeys) : knownConversation ?? undefined;
  // The brand's own posts (echoes, imported replies) only ever join a conversation they reply into.
  if (!inbound && !conversationId) return null;

  let identity: { id: string; contact_id: string } | null = null;
  let newContact = false;
  let contactId: string | null = null;
  let facts: ContactFacts | null = null;
  if (inbound) {
    const kind = identityKindOf(channel);
    const author = {
      brandId, channelKind: kind, externalId: m.author.externalId, handle: m.author.handle ?? null,
      displayName: m.author.displayName ?? null, followers: m.author.followers ?? null, email: m.author.email ?? null,
    };
    const known = batch?.knownIdentity(brandId, kind, m.author.externalId);
    const r = writes && known !== undefined ? identityInBatch(writes, author, known, now) : await upsertIdentity(tx, author, known);
    batch?.noteIdentity(r.identity);
    identity = r.identity;
    newContact = r.created;
    if (newContact) batch?.noteNewContact(brandId, r.identity.contact_id);
    // A contact created just now has no merge pointer and no conversations yet: nothing to look up.
    if (!newContact) {
      const known = batch?.facts(brandId, r.identity.contact_id);
      facts = known === undefined ? await contactFacts(tx, brandId, r.identity.contact_id, sentAt) : known;
    }
    contactId = newContact ? r.identity.contact_id : facts?.id ?? await resolveContactId(tx, brandId, r.identity.contact_id);
    if (!conversationId && !newContact) conversationId = facts ? facts.openConversationId ?? undefined : await findOpenForContact(tx, brandId, contactId);
  }

  let reopened = false;
  let conv: ConversationRow | undefined = conversationId ? batch?.conversation(brandId, conversationId) : undefined;
  if (!conv && conversationId) {
    conv = await lockConversation(tx, brandId, conversationId);
    if (conv && writes) {
      // Not read up front (a key the batch did not know): held from now on, with its SLA log.
      const logs = await loadLogs(tx, brandId, [conv.id]);
      writes.hold(conv);
      writes.setSlaLog(conv.id, { ...logs, seen: new Set() });
    }
  }
  if (!conv && !contactId) return null;
  const created = !conv;

  const priorInbound = !inbound || !contactId || newContact ? 0
    : facts?.recentInbound ?? await countRecentInbound(tx, brandId, contactId, new Date(sentAt.getTime() - RECENT_INBOUND_DAYS * 86_400_000));
  const classification = inbound && input.classifier
    ? await input.classifier.classify({
      brandId, text: m.text, authorFollowers: m.author.followers ?? null, priorInboundCount: priorInbound, threadSize: (conv?.message_count ?? 0) + 1,
      isPublic: m.visibility === 'public', model: await uow.cached(`triage-model:${brandId}`, () => promotedModelRef(tx, brandId)),
    })
    : null;
  const triage = classification ? { triage: JSON.stringify(classification.labels), needs_response: classification.needsResponse } : {};

  if (!conv) {
    if (!contactId) return null; // (checked above; narrows the type)
    // A new conversation (only ever for a customer's message) is written once, with its first message's facts.
    const values = {
      brand_id: brandId, contact_id: contactId, channel_id: channel.id, subject: (m.subject ?? '').slice(0, 500),
      is_public: m.visibility === 'public', last_inbound_public: m.visibility === 'public', last_activity_at: sentAt, created_at: sentAt,
      last_inbound_at: sentAt, waiting_since: sentAt, preview: m.text.slice(0, PREVIEW_CHARS), message_count: 1,
    };
    if (writes) {
      // Made here with its id, inserted with the batch's others at its end.
      conv = { ...NEW_CONVERSATION, ...values, id: randomUUID(), updated_at: now, triage: classification?.labels ?? null, needs_response: classification?.needsResponse ?? true };
      writes.addConversation(conv);
    } else {
      conv = await tx.insertInto('conversations').values({ ...values, ...triage }).returningAll().executeTakeFirstOrThrow();
    }
    uow.record({ brandId, actorType: 'channel', actorId: channel.id, action: 'conversation.created', subjectType: 'conversation', subjectId: conv.id, after: { contactId, channelId: channel.id }, at: now });
    if (writes) {
      writes.setSlaLog(conv.id, { messages: [], audit: [], seen: new Set() });
    }
  }

  // The message and its thread keys in one statement (the keys' insert rides along as a CTE).
  const keys = [...new Set([m.providerMessageId, m.threadKey ?? ''].filter(Boolean))];
  const into = conv.id;
  const row = {
    brand_id: brandId, conversation_id: into, channel_id: channel.id, direction: m.direction, visibility: m.visibility,
    author_identity_id: identity?.id ?? null, text: m.text, provider_message_id: m.providerMessageId,
    provider_thread_id: m.threadKey ?? null, reply_to_provider_id: m.replyToProviderId ?? null, author_followers: m.author.followers ?? null,
    attachments: JSON.stringify(m.attachments ?? []), raw: null, inbound_event_id: input.inboundEventId,
    triage: classification ? JSON.stringify(classification.labels) : null, sent_at: sentAt,
    delivery_status: inbound ? null : 'sent' as const,
  };
  let message: MessageRow;
  if (writes) {
    // The id is made here; the row is inserted with the batch's others at its end.
    message = {
      ...row, id: randomUUID(), kind: 'message', author_user_id: null, delivery_error: null, idempotency_key: null, created_at: now,
      attachments: m.attachments ?? [], triage: (classification?.labels ?? null) as MessageRow['triage'],
    };
    writes.addMessage(message, keys);
  } else {
    message = keys.length === 0
      ? await tx.insertInto('messages').values(row).returningAll().executeTakeFirstOrThrow()
      : await tx
        .with('thread_keys', (db) => db.insertInto('conversation_threads')
          .values(keys.map((k) => ({ brand_id: brandId, channel_id: channel.id, thread_key: k, conversation_id: into })))
          .onConflict((oc) => oc.columns(['channel_id', 'thread_key']).doNothing()).returning('thread_key'))
        .insertInto('messages').values(row).returningAll().executeTakeFirstOrThrow();
  }
  batch?.noteMessage(channel.id, m.providerMessageId);
  batch?.noteThreadKeys(channel.id, conv.id, keys);
  // The contact's facts move with the message (the author's own identity's contact too, when it was merged into another).
  const touched = { conversationId: conv.id, open: inbound || conv.status !== 'resolved', created, inbound };
  for (const id of new Set([conv.contact_id, contactId, identity?.contact_id].filter((x): x is string => !!x))) batch?.touchContact(brandId, id, touched);

  if (inbound && conv.status === 'resolved') {
    reopened = true;
    uow.record({ brandId, actorType: 'channel', actorId: channel.id, action: 'conversation.reopened', subjectType: 'conversation', subjectId: conv.id, before: { status: 'resolved' }, after: { status: 'open', reason: 'new inbound message' }, at: now });
  }
  const later = sentAt >= conv.last_activity_at;
  let pending: Updateable<ConversationsTable> | null = null;
  if (!created && inbound) {
    const patch = {
      status: reopened || conv.status === 'snoozed' ? 'open' as const : conv.status,
      resolved_at: reopened ? null : conv.resolved_at,
      snoozed_until: conv.status === 'snoozed' ? null : conv.snoozed_until,
      last_activity_at: later ? sentAt : conv.last_activity_at,
      last_inbound_at: later || !conv.last_inbound_at ? sentAt : conv.last_inbound_at,
      waiting_since: conv.waiting_since ?? sentAt,
      // With the triage labels: both describe the customer's latest message.
      last_inbound_public: m.visibility === 'public',
      preview: later ? m.text.slice(0, PREVIEW_CHARS) : conv.preview,
      message_count: conv.message_count + 1,
    };
    pending = { ...patch, ...triage };
    // Written once, with routing's changes and the clock's; they see the row as it will be.
    conv = { ...conv, ...patch, ...(classification ? { triage: classification.labels, needs_response: classification.needsResponse } : {}) };
  } else if (!created) {
    const echo: Updateable<ConversationsTable> = {
      // A brand's own reply seen on the provider (an echo or an imported reply): it answers the customer.
      last_activity_at: later ? sentAt : conv.last_activity_at,
      first_reply_at: conv.first_reply_at ?? (m.visibility === 'public' || !conv.is_public ? sentAt : conv.first_reply_at),
      waiting_since: null,
      message_count: conv.message_count + 1,
    };
    conv = writes ? writes.change(conv, echo) : await updateConversation(tx, brandId, conv.id, echo);
  }
  uow.record({ brandId, actorType: 'channel', actorId: channel.id, action: inbound ? 'message.received' : 'message.echoed', subjectType: 'message', subjectId: message.id, after: { conversationId: conv.id, providerMessageId: m.providerMessageId, visibility: m.visibility, newContact }, at: now });

  // Routing reads the conversation's contact; when that is the author (it nearly always is), the facts read above serve.
  const since = sentAt.getTime() - REPEAT_CONVERSATION_DAYS * 86_400_000;
  // Someone else's conversation (a reply into another customer's thread): that contact's facts, when the batch holds them.
  const owner = facts && conv.contact_id === facts.id ? facts : created ? undefined : batch?.facts(brandId, conv.contact_id);
  const contact = owner ? {
    tags: owner.tags, attributes: owner.attributes, vip: owner.vip,
    priorConversations: owner.recentConversations - (!created && conv.created_at.getTime() >= since ? 1 : 0),
  } : undefined;

  const at = now.toISOString();
  // The provider id lets a sender (and the ingest benchmark) match what it posted to what the desk heard.
  const events: DeskEvent[] = [{ type: 'message.created', brandId, conversationId: conv.id, messageId: message.id, at, data: { providerMessageId: m.providerMessageId } }];
  if (created) events.push({ type: 'conversation.created', brandId, conversationId: conv.id, at });
  if (reopened) events.push({ type: 'conversation.reopened', brandId, conversationId: conv.id, at });
  if (!inbound) return { kind: 'echo', conversation: conv, events };
  return { kind: 'inbound', stored: { conversation: conv, message, created, reopened, newContact, pending, ...(contact ? { contact } : {}) }, events };
}

/** What a new conversation holds besides its first message's facts (the table's defaults). */
const NEW_CONVERSATION = {
  status: 'open', priority: 'normal', team_id: null, assignee_id: null, tags: [], first_reply_at: null, snoozed_until: null, resolved_at: null,
  sla_policy: null, sla_state: null, sla_first_response_due_at: null, sla_next_response_due_at: null, sla_resolution_due_at: null,
  sla_next_evaluation_at: null, sla_first_response_breached: false, sla_next_response_breached: false, sla_resolution_breached: false,
  sla_raised: [], sla_clock: null, sla_evaluated_at: null, routing: null,
} as const satisfies Partial<ConversationRow>;

/**
 * `upsertIdentity` for a worker batch that read the identity up front: a known identity's changed
 * handle, name or followers, or a new customer's contact and identity (ids made here), are written
 * at the end of the batch. A concurrent batch creating the same customer makes that write fail,
 * and the batch reruns with a savepoint per job (where `upsertIdentity` settles the race).
 */
function identityInBatch(writes: IngestBatchWrites, i: IdentityInput, known: IdentityRow | null, now: Date): { identity: IdentityRow; created: boolean } {
  if (known) {
    const changed = (i.followers != null && i.followers !== known.followers) || (i.handle && i.handle !== known.handle) || (i.displayName && i.displayName !== known.display_name);
    if (!changed) return { identity: known, created: false };
    const identity = { ...known, followers: i.followers ?? known.followers, handle: i.handle ?? known.handle, display_name: i.displayName ?? known.display_name };
    writes.updateIdentity(identity);
    return { identity, created: false };
  }
  const contactId = randomUUID();
  const identity: IdentityRow = {
    id: randomUUID(), brand_id: i.brandId, contact_id: contactId, channel_kind: i.channelKind, external_id: i.externalId,
    handle: i.handle ?? null, display_name: i.displayName ?? null, followers: i.followers ?? null, created_at: now,
  };
  writes.addContact({ id: contactId, brand_id: i.brandId, name: i.displayName ?? i.handle ?? null, email: i.email ?? null }, identity);
  return { identity, created: true };
}
