import { sql } from '@earshot/db';
import { EarshotError, type MessageView } from '@earshot/domain';
import type { Executor } from '../shared/unit-of-work';

/**
 * The users a note may @mention: active members of the note's brand. Unknown, disabled or other
 * brands' users are refused, so a note can never notify (or reveal) someone outside the brand.
 */
export async function resolveMentionedUsers(ex: Executor, brandId: string, userIds: readonly string[]): Promise<{ id: string; name: string }[]> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return [];
  const rows = await ex.selectFrom('memberships as m').innerJoin('users as u', 'u.id', 'm.user_id').select(['u.id', 'u.name'])
    .where('m.brand_id', '=', brandId).where('u.disabled_at', 'is', null).where('u.id', 'in', unique).execute();
  if (rows.length !== unique.length) {
    throw new EarshotError('EARSHOT_USER_NOT_FOUND', 'a mentioned user is not a member of this brand', { field: 'body.mentions', details: { unknown: unique.filter((id) => !rows.some((r) => r.id === id)) } });
  }
  return rows;
}

export async function insertMentions(ex: Executor, m: { brandId: string; messageId: string; conversationId: string; authorUserId: string | null; userIds: string[]; at: Date }): Promise<void> {
  if (m.userIds.length === 0) return;
  await ex.insertInto('note_mentions').values(m.userIds.map((userId) => ({
    brand_id: m.brandId, message_id: m.messageId, conversation_id: m.conversationId, user_id: userId, author_user_id: m.authorUserId,
    created_at: m.at, read_at: userId === m.authorUserId ? m.at : null, // mentioning yourself is not news
  }))).onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing()).execute();
}

/** Adds each note's mentioned users (id and name) to its view. */
export async function withMentions(ex: Executor, brandId: string, views: MessageView[]): Promise<MessageView[]> {
  const noteIds = views.filter((v) => v.kind === 'note').map((v) => v.id);
  if (noteIds.length === 0) return views;
  const rows = await ex.selectFrom('note_mentions as nm').innerJoin('users as u', 'u.id', 'nm.user_id').select(['nm.message_id', 'u.id', 'u.name'])
    .where('nm.brand_id', '=', brandId).where('nm.message_id', 'in', noteIds).orderBy('u.name').execute();
  if (rows.length === 0) return views;
  return views.map((v) => {
    const mine = rows.filter((r) => r.message_id === v.id);
    return mine.length ? { ...v, mentions: mine.map((r) => ({ id: r.id, name: r.name })) } : v;
  });
}

export interface MentionRow {
  message_id: string; conversation_id: string; text: string; author_id: string | null; author_name: string | null;
  contact_name: string | null; handle: string | null; channel_kind: string; created_at: Date; read_at: Date | null;
}

/** One agent's mentions, newest first, after a keyset cursor. */
export async function listMentionRows(ex: Executor, brandId: string, userId: string, opts: { unread: boolean; after: { at: string; id: string } | null; limit: number }): Promise<MentionRow[]> {
  const where = [sql`nm.brand_id = ${brandId}`, sql`nm.user_id = ${userId}`];
  if (opts.unread) where.push(sql`nm.read_at is null`);
  if (opts.after) where.push(sql`(nm.created_at, nm.message_id) < (${opts.after.at}::timestamptz, ${opts.after.id}::uuid)`);
  const r = await sql<MentionRow>`
    select nm.message_id, nm.conversation_id, m.text, u.id as author_id, u.name as author_name, ct.name as contact_name,
      (select i.handle from contact_identities i where i.contact_id = c.contact_id order by (i.channel_kind = ch.kind) desc, i.created_at limit 1) as handle,
      ch.kind as channel_kind, nm.created_at, nm.read_at
    from note_mentions nm
    join messages m on m.id = nm.message_id
    join conversations c on c.id = nm.conversation_id
    join channels ch on ch.id = c.channel_id
    join contacts ct on ct.id = c.contact_id
    left join users u on u.id = nm.author_user_id
    where ${sql.join(where, sql` and `)}
    order by nm.created_at desc, nm.message_id desc
    limit ${opts.limit}`.execute(ex);
  return r.rows;
}

export async function countUnread(ex: Executor, brandId: string, userId: string): Promise<number> {
  const r = await ex.selectFrom('note_mentions').select((e) => e.fn.countAll<string>().as('n'))
    .where('brand_id', '=', brandId).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Marks the agent's mentions read: those in the given notes, or all of them. Returns how many changed. */
export async function markMentionsRead(ex: Executor, brandId: string, userId: string, messageIds: string[] | null, at: Date): Promise<number> {
  let q = ex.updateTable('note_mentions').set({ read_at: at }).where('brand_id', '=', brandId).where('user_id', '=', userId).where('read_at', 'is', null);
  if (messageIds) q = q.where('message_id', 'in', messageIds);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
