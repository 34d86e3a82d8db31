import type { DB, Kysely } from '@earshot/db';
import { EarshotError, type ContactMatchPage, type ContactView } from '@earshot/domain';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact } from '../shared/unit-of-work';
import { findContact, listIdentities, resolveContactId, type ContactRow, type IdentityRow } from './contact.repository';
import { searchContacts, type ContactSearch } from './contact.search';
import { CRM_RETRY_AFTER_ERROR_MS, CRM_TTL_MS, type CrmHookService } from './crm-hook';

export class ContactService {
  constructor(private readonly db: Kysely<DB>, private readonly clock: Clock, private readonly crmHook: CrmHookService | null = null) {}

  async get(actor: Actor, id: string): Promise<ContactView> {
    const c = await findContact(this.db, actor.brandId, id);
    if (!c) throw new EarshotError('EARSHOT_CONTACT_NOT_FOUND', 'contact not found', { field: 'params.id' });
    const identities = await listIdentities(this.db, actor.brandId, id);
    const crm = await this.#refreshCrm(actor, c, identities);
    const convs = await this.db.selectFrom('conversations as c').innerJoin('channels as ch', 'ch.id', 'c.channel_id')
      .select(['c.id', 'c.status', 'c.preview', 'c.last_activity_at', 'ch.kind']).where('c.brand_id', '=', actor.brandId).where('c.contact_id', '=', id)
      .orderBy('c.last_activity_at', 'desc').limit(50).execute();
    return {
      id: c.id, name: c.name, email: c.email, vip: c.vip, tags: c.tags, notes: c.notes, attributes: c.attributes, mergedInto: c.merged_into,
      identities: identities.map((i) => ({ id: i.id, channelKind: i.channel_kind, externalId: i.external_id, handle: i.handle, displayName: i.display_name, followers: i.followers })),
      conversations: convs.map((v) => ({ id: v.id, status: v.status, preview: v.preview, lastActivityAt: v.last_activity_at.toISOString(), channelKind: v.kind })),
      createdAt: c.created_at.toISOString(), crm,
    };
  }

  /**
   * Asks the brand's CRM look-up hook for the contact's fields when the cached ones are missing or
   * older than the TTL. Awaited (2 s timeout) so the profile shows them; a failure keeps the last
   * known fields with an error note and is retried after a minute, not on every read.
   */
  async #refreshCrm(actor: Actor, c: ContactRow, identities: IdentityRow[]): Promise<ContactView['crm']> {
    let row = { attributes: c.crm_attributes, fetchedAt: c.crm_fetched_at, checkedAt: c.crm_checked_at, error: c.crm_error };
    const target = this.crmHook ? await this.crmHook.target(actor.brandId) : null;
    const now = this.clock.now();
    const due = !row.checkedAt || now.getTime() - row.checkedAt.getTime() >= (row.error ? CRM_RETRY_AFTER_ERROR_MS : CRM_TTL_MS);
    if (target && this.crmHook && due) {
      const result = await this.crmHook.lookup(target, {
        brandId: actor.brandId,
        contact: { id: c.id, name: c.name, email: c.email, identities: identities.map((i) => ({ channelKind: i.channel_kind, externalId: i.external_id, handle: i.handle })) },
      });
      const at = this.clock.now();
      row = result.ok ? { attributes: result.attributes, fetchedAt: at, checkedAt: at, error: null } : { ...row, checkedAt: at, error: result.error };
      await transact(this.db, async (uow) => {
        await uow.tx.updateTable('contacts').set(result.ok
          ? { crm_attributes: JSON.stringify(result.attributes), crm_fetched_at: at, crm_checked_at: at, crm_error: null }
          : { crm_checked_at: at, crm_error: result.error }).where('brand_id', '=', actor.brandId).where('id', '=', c.id).execute();
        if (result.ok) {
          uow.record({ brandId: actor.brandId, actorType: 'system', actorId: 'crm-hook', action: 'contact.crm_refreshed', subjectType: 'contact', subjectId: c.id, before: { attributes: c.crm_attributes }, after: { attributes: result.attributes }, at });
        }
      });
    }
    if (!target && !row.fetchedAt && !row.error) return null;
    const attributes = Object.fromEntries(Object.entries(row.attributes).filter((e): e is [string, string | number | boolean | null] => e[1] === null || ['string', 'number', 'boolean'].includes(typeof e[1])));
    return { status: row.error ? 'error' : 'ok', attributes, fetchedAt: row.fetchedAt?.toISOString() ?? null, error: row.error };
  }

  /** Finds the brand's contacts by name, handle or email (to merge a duplicate). */
  search(actor: Actor, s: ContactSearch): Promise<ContactMatchPage> {
    return searchContacts(this.db, actor.brandId, s);
  }

  async update(actor: Actor, id: string, patch: { name?: string | undefined; email?: string | null | undefined; vip?: boolean | undefined; tags?: string[] | undefined; notes?: string | undefined }): Promise<ContactView> {
    await transact(this.db, async (uow) => {
      const c = await findContact(uow.tx, actor.brandId, id);
      if (!c) throw new EarshotError('EARSHOT_CONTACT_NOT_FOUND', 'contact not found', { field: 'params.id' });
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      if (Object.keys(set).length === 0) return;
      await uow.tx.updateTable('contacts').set({ ...set, updated_at: this.clock.now() }).where('brand_id', '=', actor.brandId).where('id', '=', id).execute();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'contact.updated', subjectType: 'contact', subjectId: id, before: Object.fromEntries(Object.keys(set).map((k) => [k, (c as Record<string, unknown>)[k]])), after: set, at: this.clock.now() });
    });
    return this.get(actor, id);
  }

  /**
   * Merges `sourceId` into `targetId`: identities and conversations move to the target; the source
   * keeps a pointer so late events for it land on the target too.
   */
  async merge(actor: Actor, targetId: string, sourceId: string): Promise<ContactView> {
    await transact(this.db, async (uow) => {
      const { tx } = uow;
      const target = await findContact(tx, actor.brandId, targetId);
      if (!target) throw new EarshotError('EARSHOT_CONTACT_NOT_FOUND', 'contact not found', { field: 'params.id' });
      if (targetId === sourceId) throw new EarshotError('EARSHOT_VALIDATION', 'cannot merge a contact into itself', { field: 'body.sourceId' });
      const source = await findContact(tx, actor.brandId, sourceId);
      if (!source) throw new EarshotError('EARSHOT_CONTACT_NOT_FOUND', 'contact to merge not found', { field: 'body.sourceId' });
      if (source.merged_into) throw new EarshotError('EARSHOT_INVALID_STATE', 'that contact was already merged', { field: 'body.sourceId' });
      if ((await resolveContactId(tx, actor.brandId, targetId)) !== targetId) throw new EarshotError('EARSHOT_INVALID_STATE', 'target contact was merged into another', { field: 'params.id' });
      const moved = await tx.updateTable('contact_identities').set({ contact_id: targetId }).where('brand_id', '=', actor.brandId).where('contact_id', '=', sourceId).returning('id').execute();
      const convs = await tx.updateTable('conversations').set({ contact_id: targetId }).where('brand_id', '=', actor.brandId).where('contact_id', '=', sourceId).returning('id').execute();
      await tx.updateTable('contacts').set({
        merged_into: targetId, updated_at: this.clock.now(),
      }).where('id', '=', sourceId).execute();
      await tx.updateTable('contacts').set({
        tags: [...new Set([...target.tags, ...source.tags])], vip: target.vip || source.vip, email: target.email ?? source.email,
        name: target.name ?? source.name, notes: [target.notes, source.notes].filter(Boolean).join('\n\n'), updated_at: this.clock.now(),
      }).where('id', '=', targetId).execute();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'contact.merged', subjectType: 'contact', subjectId: targetId, after: { sourceId, identities: moved.map((r) => r.id), conversations: convs.map((r) => r.id) }, at: this.clock.now() });
    });
    return this.get(actor, targetId);
  }

  /**
   * Undoes a wrong merge one identity at a time: the identity moves out to a new contact, with
   * the conversations only that identity wrote in. The contact keeps at least one identity.
   */
  async unmerge(actor: Actor, contactId: string, identityId: string): Promise<{ contact: ContactView; split: ContactView }> {
    const splitId = await transact(this.db, async (uow) => {
      const { tx } = uow;
      const c = await tx.selectFrom('contacts').selectAll().where('brand_id', '=', actor.brandId).where('id', '=', contactId).forUpdate().executeTakeFirst();
      if (!c) throw new EarshotError('EARSHOT_CONTACT_NOT_FOUND', 'contact not found', { field: 'params.id' });
      const identities = await listIdentities(tx, actor.brandId, contactId);
      const identity = identities.find((i) => i.id === identityId);
      if (!identity) throw new EarshotError('EARSHOT_NOT_FOUND', 'this contact has no identity with that id', { field: 'body.identityId' });
      if (identities.length < 2) throw new EarshotError('EARSHOT_INVALID_STATE', 'a contact keeps at least one identity; this is its only one', { field: 'body.identityId' });
      const now = this.clock.now();
      const split = await tx.insertInto('contacts').values({
        brand_id: actor.brandId, name: identity.display_name ?? identity.handle ?? null, email: identity.channel_kind === 'email' ? identity.external_id : null,
      }).returning('id').executeTakeFirstOrThrow();
      await tx.updateTable('contact_identities').set({ contact_id: split.id }).where('brand_id', '=', actor.brandId).where('id', '=', identityId).execute();
      // Conversations whose customer messages all came from this identity go with it; shared ones stay.
      const moved = await tx.updateTable('conversations').set({ contact_id: split.id, updated_at: now })
        .where('brand_id', '=', actor.brandId).where('contact_id', '=', contactId)
        .where((eb) => eb.exists(eb.selectFrom('messages as m').select('m.id').whereRef('m.conversation_id', '=', 'conversations.id').where('m.direction', '=', 'inbound').where('m.author_identity_id', '=', identityId)))
        .where((eb) => eb.not(eb.exists(eb.selectFrom('messages as m').select('m.id').whereRef('m.conversation_id', '=', 'conversations.id').where('m.direction', '=', 'inbound')
          .where((w) => w.or([w('m.author_identity_id', 'is', null), w('m.author_identity_id', '!=', identityId)])))))
        .returning('id').execute();
      await tx.updateTable('contacts').set({ updated_at: now }).where('id', '=', contactId).execute();
      uow.record({
        brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'contact.unmerged', subjectType: 'contact', subjectId: contactId,
        before: { identities: identities.map((i) => i.id) }, after: { identityId, newContactId: split.id, conversations: moved.map((r) => r.id) }, at: now,
      });
      return split.id;
    });
    return { contact: await this.get(actor, contactId), split: await this.get(actor, splitId) };
  }
}
