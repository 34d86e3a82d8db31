import { sql, type Selectable, type ContactsTable, type ContactIdentitiesTable } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

export type ContactRow = Selectable<ContactsTable>;
export type IdentityRow = Selectable<ContactIdentitiesTable>;

export interface IdentityInput {
  brandId: string;
  channelKind: string;
  externalId: string;
  handle?: string | null;
  displayName?: string | null;
  followers?: number | null;
  email?: string | null;
}

/**
 * Finds the identity or creates it with a new contact. Safe under concurrency: the unique
 * (brand, channel kind, external id) decides, and a loser of the race reads the winner's row.
 */
export async function upsertIdentity(ex: Executor, i: IdentityInput, known?: IdentityRow | null): Promise<{ identity: IdentityRow; created: boolean }> {
  // `known`: the caller already read it (null: it did not exist then; a racing insert is handled below).
  const existing = known !== undefined ? known ?? undefined : await ex.selectFrom('contact_identities').selectAll()
    .where('brand_id', '=', i.brandId).where('channel_kind', '=', i.channelKind).where('external_id', '=', i.externalId).executeTakeFirst();
  if (existing) {
    if ((i.followers != null && i.followers !== existing.followers) || (i.handle && i.handle !== existing.handle) || (i.displayName && i.displayName !== existing.display_name)) {
      const updated = await ex.updateTable('contact_identities').set({
        followers: i.followers ?? existing.followers, handle: i.handle ?? existing.handle, display_name: i.displayName ?? existing.display_name,
      }).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow();
      return { identity: updated, created: false };
    }
    return { identity: existing, created: false };
  }
  // The contact and its identity in one statement; on a lost race the identity is not inserted.
  const r = (await sql<IdentityRow & { new_contact_id: string; inserted: boolean }>`
    with c as (
      insert into contacts (brand_id, name, email) values (${i.brandId}, ${i.displayName ?? i.handle ?? null}, ${i.email ?? null}) returning id
    ), ins as (
      insert into contact_identities (brand_id, contact_id, channel_kind, external_id, handle, display_name, followers)
      select ${i.brandId}::uuid, c.id, ${i.channelKind}::text, ${i.externalId}::text, ${i.handle ?? null}::text, ${i.displayName ?? null}::text, ${i.followers ?? null}::integer from c
      on conflict (brand_id, channel_kind, external_id) do nothing
      returning *
    )
    select ins.*, c.id as new_contact_id, ins.id is not null as inserted from c left join ins on true`.execute(ex)).rows[0];
  if (r?.inserted) {
    const { new_contact_id: _c, inserted: _i, ...identity } = r;
    return { identity, created: true };
  }
  const contact = { id: r?.new_contact_id ?? '' };
  // Lost the race: drop our orphan contact and use the winner's identity.
  await ex.deleteFrom('contacts').where('id', '=', contact.id).execute();
  const winner = await ex.selectFrom('contact_identities').selectAll()
    .where('brand_id', '=', i.brandId).where('channel_kind', '=', i.channelKind).where('external_id', '=', i.externalId).executeTakeFirstOrThrow();
  return { identity: winner, created: false };
}

/** Follows merge pointers to the surviving contact. */
export async function resolveContactId(ex: Executor, brandId: string, contactId: string): Promise<string> {
  const r = await sql<{ id: string }>`
    with recursive chain(id, merged_into, depth) as (
      select id, merged_into, 0 from contacts where id = ${contactId} and brand_id = ${brandId}
      union all
      select c.id, c.merged_into, chain.depth + 1 from contacts c join chain on c.id = chain.merged_into where chain.depth < 20
    )
    select id from chain where merged_into is null limit 1`.execute(ex);
  return r.rows[0]?.id ?? contactId;
}

export async function findContact(ex: Executor, brandId: string, id: string): Promise<ContactRow | undefined> {
  return ex.selectFrom('contacts').selectAll().where('brand_id', '=', brandId).where('id', '=', id).executeTakeFirst();
}

export async function listIdentities(ex: Executor, brandId: string, contactId: string): Promise<IdentityRow[]> {
  return ex.selectFrom('contact_identities').selectAll().where('brand_id', '=', brandId).where('contact_id', '=', contactId).orderBy('created_at').execute();
}

export async function listIdentitiesOf(ex: Executor, brandId: string, contactIds: string[]): Promise<IdentityRow[]> {
  if (contactIds.length === 0) return [];
  return ex.selectFrom('contact_identities').selectAll().where('brand_id', '=', brandId).where('contact_id', 'in', contactIds).orderBy('created_at').execute();
}
