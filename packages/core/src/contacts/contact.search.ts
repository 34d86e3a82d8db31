import { sql } from '@earshot/db';
import { EarshotError, type ContactMatchPage } from '@earshot/domain';
import type { Executor } from '../shared/unit-of-work';
import { z } from 'zod';
import { cursorCodec, CursorFields } from '../shared/cursor';
import { listIdentitiesOf } from './contact.repository';

export interface ContactSearch { q: string; excludeId?: string | undefined; cursor?: string | undefined; limit?: number | undefined }

const contactCursor = cursorCodec(z.strictObject({ k: CursorFields.text, id: CursorFields.id }));

/** `%` and `_` in what the agent typed are letters, not wildcards. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

interface Row { id: string; name: string | null; email: string | null; vip: boolean; sort_key: string; conversation_count: string | number }

/**
 * Contacts of one brand whose name, email or any identity (handle, display name, external id)
 * contains the text, by name; merged-away contacts are left out. Keyset-paginated.
 */
export async function searchContacts(ex: Executor, brandId: string, s: ContactSearch): Promise<ContactMatchPage> {
  const q = s.q.trim();
  if (!q) throw new EarshotError('EARSHOT_VALIDATION', 'type part of a name, handle or email', { field: 'query.q' });
  const limit = Math.min(Math.max(s.limit ?? 20, 1), 50);
  const p = likePattern(q);
  const where = [
    sql`c.brand_id = ${brandId}`, sql`c.merged_into is null`,
    sql`(c.name ilike ${p} or c.email ilike ${p} or exists (
      select 1 from contact_identities i where i.brand_id = ${brandId} and i.contact_id = c.id
        and (i.handle ilike ${p} or i.display_name ilike ${p} or i.external_id ilike ${p})))`,
  ];
  if (s.excludeId) where.push(sql`c.id <> ${s.excludeId}::uuid`);
  if (s.cursor) {
    const c = contactCursor.decode(s.cursor);
    where.push(sql`(lower(coalesce(c.name, '')), c.id) > (${c.k}, ${c.id}::uuid)`);
  }
  const rows = (await sql<Row>`
    select c.id, c.name, c.email, c.vip, lower(coalesce(c.name, '')) as sort_key,
      (select count(*) from conversations v where v.brand_id = ${brandId} and v.contact_id = c.id) as conversation_count
    from contacts c
    where ${sql.join(where, sql` and `)}
    order by lower(coalesce(c.name, '')), c.id
    limit ${limit + 1}`.execute(ex)).rows;
  const page = rows.slice(0, limit);
  const identities = await listIdentitiesOf(ex, brandId, page.map((r) => r.id));
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id, name: r.name, email: r.email, vip: r.vip, conversationCount: Number(r.conversation_count),
      identities: identities.filter((i) => i.contact_id === r.id).map((i) => ({ id: i.id, channelKind: i.channel_kind, externalId: i.external_id, handle: i.handle, displayName: i.display_name, followers: i.followers })),
    })),
    nextCursor: rows.length > limit && last ? contactCursor.encode({ k: last.sort_key, id: last.id }) : null,
  };
}
