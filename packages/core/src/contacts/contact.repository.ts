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
export async function upsertIdentity(ex: Executor, i: IdentityInput): Promise<{ identity: IdentityRow; created: boolean }> {
  const existing = await ex.selectFrom('contact_identities').selectAll()
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
  const contact = await ex.insertInto('contacts').values({ brand_id: i.brandId, name: i.displayName ?? i.handle ?? null, email: i.email ?? null })
    .returning('id').executeTakeFirstOrThrow();
  const inserted = await ex.insertInto('contact_identities').values({
    brand_id: i.brandId, contact_id: contact.id, channel_kind: i.channelKind, external_id: i.externalId,
    handle: i.handle ?? null, display_name: i.displayName ?? null, followers: i.followers ?? null,
  }).onConflict((oc) => oc.columns(['brand_id', 'channel_kind', 'external_id']).doNothing()).returningAll().executeTakeFirst();
  if (inserted) return { identity: inserted, created: true };
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
