import type { DB, Kysely } from '@earshot/db';
import { EarshotError, type MentionPage } from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { decodeTimeCursor, encodeTimeCursor } from '../shared/time-cursor';
import { countUnread, listMentionRows, markMentionsRead } from './mention.repository';


/** Mentions belong to a person: an API token without a user has none. */
function userOf(actor: Actor): string {
  if (!actor.userId) throw new EarshotError('EARSHOT_FORBIDDEN', 'mentions belong to a signed-in user; this caller has none');
  return actor.userId;
}

/** The notes that @mention the signed-in agent: a list with an unread count, and marking them read. */
export class MentionService {
  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock) {}

  async list(actor: Actor, q: { unread?: boolean | undefined; cursor?: string | undefined; limit?: number | undefined }): Promise<MentionPage> {
    const userId = userOf(actor);
    const limit = Math.min(Math.max(q.limit ?? 20, 1), 100);
    const rows = await listMentionRows(this.db, actor.brandId, userId, { unread: q.unread ?? false, after: q.cursor ? decodeTimeCursor(q.cursor) : null, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        messageId: r.message_id, conversationId: r.conversation_id, text: r.text,
        author: r.author_id && r.author_name ? { id: r.author_id, name: r.author_name } : null,
        contact: { name: r.contact_name, handle: r.handle }, channelKind: r.channel_kind,
        createdAt: r.created_at.toISOString(), readAt: r.read_at ? r.read_at.toISOString() : null,
      })),
      nextCursor: rows.length > limit && last ? encodeTimeCursor(last.created_at, last.message_id) : null,
      unread: await countUnread(this.db, actor.brandId, userId),
    };
  }

  /** Marks mentions read (the given notes, or all); the agent's other tabs hear it and update their count. */
  async markRead(actor: Actor, messageIds: string[] | undefined): Promise<{ unread: number }> {
    const userId = userOf(actor);
    const changed = await markMentionsRead(this.db, actor.brandId, userId, messageIds?.length ? [...new Set(messageIds)] : null, this.clock.now());
    if (changed > 0) this.bus.publish({ type: 'mention.read', brandId: actor.brandId, userId, at: this.clock.now().toISOString() });
    return { unread: await countUnread(this.db, actor.brandId, userId) };
  }
}
