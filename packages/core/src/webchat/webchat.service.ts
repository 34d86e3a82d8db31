import { randomUUID } from 'node:crypto';
import { sql, type DB, type Kysely } from '@earshot/db';
import { EarshotError, type CanonicalMessage } from '@earshot/domain';
import type { ChannelService } from '../channels/channel.service';
import type { IngestService } from '../ingest/ingest.service';
import type { Clock } from '../shared/clock';
import { transact } from '../shared/unit-of-work';
import { findVisitorContact, findVisitorConversation, listVisitorMessages, listVisitorMessagesForStream, pendingVisitorReplies } from './webchat.repository';
import { encodeStreamCursor, parseStreamCursor } from './stream-cursor';
import { issueVisitorToken, verifyVisitorToken } from './visitor-token';

export interface VisitorMessage { id: string; from: 'visitor' | 'agent'; agentName: string | null; text: string; sentAt: string }

/** A visitor whose token was checked when their stream opened. */
export interface VisitorStream { brandId: string; channelId: string; visitorId: string }

/** A transaction that inserted a message may commit a little after its timestamp: a cursor looks back this far. */
const STREAM_OVERLAP_MS = 5 * 60_000;

const threadKeyOf = (visitorId: string) => `webchat:${visitorId}`;
const externalIdOf = (visitorId: string) => `visitor:${visitorId}`;

/**
 * The web chat widget's side: anonymous visitors get a token bound to one web chat channel; their
 * messages go through ingest like any provider event (one conversation per visitor, by thread key);
 * they read back the customer-facing messages of their conversation; they can leave an email later.
 */
export class WebchatService {
  constructor(private readonly db: Kysely<DB>, private readonly channels: ChannelService, private readonly ingest: IngestService, private readonly clock: Clock, private readonly secret: string) {}

  /** The channel behind a public URL: unknown, wrong kind or not active all look the same (404). */
  async channel(channelId: string, kind: 'webchat' | 'webform' | 'phone') {
    const { row } = await this.channels.load(channelId).catch(() => ({ row: null }));
    if (!row || row.kind !== kind || row.status !== 'active') throw new EarshotError('EARSHOT_CHANNEL_NOT_FOUND', 'channel not found', { field: 'params.id' });
    return row;
  }

  async startSession(channelId: string): Promise<{ visitorId: string; token: string }> {
    await this.channel(channelId, 'webchat');
    return issueVisitorToken(this.secret, channelId);
  }

  visitor(channelId: string, token: string | undefined): string {
    const visitorId = token ? verifyVisitorToken(this.secret, channelId, token) : null;
    if (!visitorId) throw new EarshotError('EARSHOT_UNAUTHENTICATED', 'missing or invalid visitor token', { field: 'headers.x-earshot-visitor' });
    return visitorId;
  }

  /** A visitor's message: stored once per client message id, then ingested into their conversation. */
  async postMessage(channelId: string, token: string | undefined, input: { clientMessageId: string; text: string; name?: string | undefined; email?: string | undefined }): Promise<{ accepted: boolean }> {
    const row = await this.channel(channelId, 'webchat');
    const visitorId = this.visitor(channelId, token);
    const message: CanonicalMessage = {
      providerMessageId: `webchat:${visitorId}:${input.clientMessageId}`, threadKey: threadKeyOf(visitorId), direction: 'inbound', visibility: 'private',
      author: { externalId: externalIdOf(visitorId), displayName: input.name ?? null, email: input.email ?? null }, text: input.text, sentAt: this.clock.now().toISOString(),
    };
    const r = await this.ingest.store(row.brand_id, row.id, [{ providerEventId: message.providerMessageId, payload: message }]);
    return { accepted: r.accepted === 1 };
  }

  async listMessages(channelId: string, token: string | undefined, after: Date | null): Promise<VisitorMessage[]> {
    const row = await this.channel(channelId, 'webchat');
    const visitorId = this.visitor(channelId, token);
    const rows = await listVisitorMessages(this.db, row.brand_id, row.id, threadKeyOf(visitorId), after);
    return rows.map((m) => ({ id: m.id, from: m.direction === 'inbound' ? 'visitor' : 'agent', agentName: m.direction === 'outbound' ? m.agent_name : null, text: m.text, sentAt: m.sent_at.toISOString() }));
  }

  /** Opens a visitor's push stream: the channel must be an active web chat channel and the token its own. */
  async openStream(channelId: string, token: string | undefined): Promise<VisitorStream> {
    const row = await this.channel(channelId, 'webchat');
    return { brandId: row.brand_id, channelId: row.id, visitorId: this.visitor(channelId, token) };
  }

  /**
   * What the visitor may not have seen since `cursor` (a previous batch's, e.g. from Last-Event-ID; without
   * one, or with one that is not ours: everything, newest 200), and the next cursor. Pending replies are read before the messages, so a reply delivered in between is in one or the
   * other; the stream may repeat a message (the widget dedupes by id) but never skips one.
   */
  async streamBatch(s: VisitorStream, cursorText: string | null): Promise<{ items: VisitorMessage[]; cursor: string; conversationId: string | null }> {
    const cursor = parseStreamCursor(cursorText);
    const threadKey = threadKeyOf(s.visitorId);
    const at = (await sql<{ at: Date }>`select clock_timestamp() as at`.execute(this.db)).rows[0]?.at ?? new Date();
    const pendingNow = await pendingVisitorReplies(this.db, s.brandId, s.channelId, threadKey);
    const since = cursor ? new Date(Date.parse(cursor.at) - STREAM_OVERLAP_MS) : null;
    const rows = await listVisitorMessagesForStream(this.db, s.brandId, s.channelId, threadKey, since, cursor ? [...new Set([...cursor.pending, ...pendingNow])] : []);
    const visible = new Set(rows.map((r) => r.id));
    const conversationId = rows[0]?.conversation_id ?? (await findVisitorConversation(this.db, s.brandId, s.channelId, threadKey)) ?? null;
    return {
      items: rows.map((m) => ({ id: m.id, from: m.direction === 'inbound' ? 'visitor' : 'agent', agentName: m.direction === 'outbound' ? m.agent_name : null, text: m.text, sentAt: m.sent_at.toISOString() })),
      cursor: encodeStreamCursor({ at: new Date(at).toISOString(), pending: pendingNow.filter((id) => !visible.has(id)) }),
      conversationId,
    };
  }

  /** The visitor leaves an email: their contact is identified (kept when it already has one). */
  async identify(channelId: string, token: string | undefined, input: { email: string; name?: string | undefined }): Promise<{ identified: boolean }> {
    const row = await this.channel(channelId, 'webchat');
    const visitorId = this.visitor(channelId, token);
    return transact(this.db, async (uow) => {
      const contactId = await findVisitorContact(uow.tx, row.brand_id, externalIdOf(visitorId));
      if (!contactId) return { identified: false };
      const email = input.email.toLowerCase();
      const c = await uow.tx.selectFrom('contacts').select(['email', 'name']).where('id', '=', contactId).where('brand_id', '=', row.brand_id).executeTakeFirst();
      if (!c) return { identified: false };
      await uow.tx.updateTable('contacts').set({ email: c.email ?? email, name: c.name ?? input.name ?? null, updated_at: this.clock.now() })
        .where('id', '=', contactId).where('brand_id', '=', row.brand_id).execute();
      uow.record({ brandId: row.brand_id, actorType: 'channel', actorId: row.id, action: 'contact.identified', subjectType: 'contact', subjectId: contactId, after: { via: 'webchat' }, at: this.clock.now() });
      return { identified: true };
    });
  }

  /** A web form submission: one inbound message (and conversation) per submission, the sender known by email. */
  async submitForm(channelId: string, input: { name: string; email: string; subject: string; message: string }): Promise<{ accepted: boolean }> {
    const row = await this.channel(channelId, 'webform');
    const id = `webform:${randomUUID()}`;
    const message: CanonicalMessage = {
      providerMessageId: id, threadKey: id, direction: 'inbound', visibility: 'private', subject: input.subject,
      author: { externalId: input.email.toLowerCase(), displayName: input.name, email: input.email }, text: input.message, sentAt: this.clock.now().toISOString(),
    };
    const r = await this.ingest.store(row.brand_id, row.id, [{ providerEventId: id, payload: message }]);
    return { accepted: r.accepted === 1 };
  }
}
