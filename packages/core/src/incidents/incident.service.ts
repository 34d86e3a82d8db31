import type { DB, Kysely } from '@earshot/db';
import { EarshotError, type IncidentLinkView, type IncidentPage, type IncidentView } from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { decodeTimeCursor, encodeTimeCursor } from '../shared/time-cursor';
import { transact } from '../shared/unit-of-work';
import { lockConversation } from '../conversations/conversation.repository';
import { findIncident, incidentLinks, listIncidentRows, toIncidentView } from './incident.repository';


const notFound = (field: string) => new EarshotError('EARSHOT_INCIDENT_NOT_FOUND', 'incident not found', { field });

/**
 * Incidents: one outage or known problem many customers write about. Conversations are linked to
 * them (audited on the conversation), and the inbox can be filtered by incident.
 */
export class IncidentService {
  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock) {}

  async list(actor: Actor, q: { status?: 'open' | 'resolved' | undefined; q?: string | undefined; cursor?: string | undefined; limit?: number | undefined }): Promise<IncidentPage> {
    const limit = Math.min(Math.max(q.limit ?? 20, 1), 100);
    const rows = await listIncidentRows(this.db, actor.brandId, { status: q.status, q: q.q, after: q.cursor ? decodeTimeCursor(q.cursor) : null, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toIncidentView), nextCursor: rows.length > limit && last ? encodeTimeCursor(last.created_at, last.id) : null };
  }

  async get(actor: Actor, id: string): Promise<IncidentView> {
    const i = await findIncident(this.db, actor.brandId, id);
    if (!i) throw notFound('params.id');
    return i;
  }

  async create(actor: Actor, input: { title: string }): Promise<IncidentView> {
    const id = await transact(this.db, async (uow) => {
      const now = this.clock.now();
      const row = await uow.tx.insertInto('incidents').values({ brand_id: actor.brandId, title: input.title, created_by: actor.userId ?? null, created_at: now, updated_at: now })
        .returning('id').executeTakeFirstOrThrow();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'incident.created', subjectType: 'incident', subjectId: row.id, after: { title: input.title, status: 'open' }, at: now });
      uow.onCommit(() => this.bus.publish({ type: 'incident.updated', brandId: actor.brandId, userId: actor.userId ?? undefined, at: now.toISOString(), data: { incidentId: row.id } }));
      return row.id;
    });
    return this.get(actor, id);
  }

  /** Renames, resolves or reopens an incident. */
  async update(actor: Actor, id: string, patch: { title?: string | undefined; status?: 'open' | 'resolved' | undefined }): Promise<IncidentView> {
    await transact(this.db, async (uow) => {
      const cur = await uow.tx.selectFrom('incidents').selectAll().where('brand_id', '=', actor.brandId).where('id', '=', id).forUpdate().executeTakeFirst();
      if (!cur) throw notFound('params.id');
      const next = { title: patch.title ?? cur.title, status: patch.status ?? cur.status };
      if (next.title === cur.title && next.status === cur.status) return;
      const now = this.clock.now();
      await uow.tx.updateTable('incidents').set({
        title: next.title, status: next.status, updated_at: now, resolved_at: next.status === 'resolved' ? (cur.resolved_at ?? now) : null,
      }).where('id', '=', id).execute();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'incident.updated', subjectType: 'incident', subjectId: id, before: { title: cur.title, status: cur.status }, after: next, at: now });
      uow.onCommit(() => this.bus.publish({ type: 'incident.updated', brandId: actor.brandId, userId: actor.userId ?? undefined, at: now.toISOString(), data: { incidentId: id } }));
    });
    return this.get(actor, id);
  }

  /** The conversation's incident links (shown in its header and timeline). */
  links(actor: Actor, conversationId: string): Promise<IncidentLinkView[]> {
    return incidentLinks(this.db, actor.brandId, conversationId);
  }

  /**
   * Links a conversation to an open incident, or declares a new incident with `title` and links it,
   * in one transaction. Linking twice is linking once.
   */
  async link(actor: Actor, conversationId: string, target: { incidentId?: string | undefined; title?: string | undefined }): Promise<IncidentLinkView[]> {
    await transact(this.db, async (uow) => {
      const { tx } = uow;
      const c = await lockConversation(tx, actor.brandId, conversationId);
      if (!c) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'conversation not found', { field: 'params.id' });
      const now = this.clock.now();
      let incident: { id: string; title: string };
      if (target.incidentId) {
        const i = await tx.selectFrom('incidents').select(['id', 'title', 'status']).where('brand_id', '=', actor.brandId).where('id', '=', target.incidentId).executeTakeFirst();
        if (!i) throw notFound('body.incidentId');
        if (i.status !== 'open') throw new EarshotError('EARSHOT_INVALID_STATE', 'that incident is resolved; reopen it to link conversations', { field: 'body.incidentId' });
        incident = i;
      } else if (target.title) {
        incident = await tx.insertInto('incidents').values({ brand_id: actor.brandId, title: target.title, created_by: actor.userId ?? null, created_at: now, updated_at: now })
          .returning(['id', 'title']).executeTakeFirstOrThrow();
        uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'incident.created', subjectType: 'incident', subjectId: incident.id, after: { title: incident.title, status: 'open' }, at: now });
      } else {
        throw new EarshotError('EARSHOT_VALIDATION', 'give an incidentId or a title for a new incident', { field: 'body' });
      }
      const added = await tx.insertInto('conversation_incidents').values({ brand_id: actor.brandId, conversation_id: conversationId, incident_id: incident.id, linked_by: actor.userId ?? null, linked_at: now })
        .onConflict((oc) => oc.columns(['conversation_id', 'incident_id']).doNothing()).returning('incident_id').executeTakeFirst();
      if (!added) return;
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'conversation.incident_linked', subjectType: 'conversation', subjectId: conversationId, after: { incidentId: incident.id, title: incident.title }, at: now });
      uow.onCommit(() => this.bus.publish({ type: 'conversation.incident_linked', brandId: actor.brandId, conversationId, userId: actor.userId ?? undefined, at: now.toISOString(), data: { incidentId: incident.id } }));
    });
    return this.links(actor, conversationId);
  }

  async unlink(actor: Actor, conversationId: string, incidentId: string): Promise<IncidentLinkView[]> {
    await transact(this.db, async (uow) => {
      const { tx } = uow;
      const c = await lockConversation(tx, actor.brandId, conversationId);
      if (!c) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'conversation not found', { field: 'params.id' });
      const gone = await tx.deleteFrom('conversation_incidents').where('brand_id', '=', actor.brandId).where('conversation_id', '=', conversationId).where('incident_id', '=', incidentId)
        .returning('incident_id').executeTakeFirst();
      if (!gone) throw new EarshotError('EARSHOT_INCIDENT_NOT_FOUND', 'this conversation is not linked to that incident', { field: 'params.incidentId' });
      const i = await tx.selectFrom('incidents').select('title').where('id', '=', incidentId).executeTakeFirst();
      const now = this.clock.now();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'conversation.incident_unlinked', subjectType: 'conversation', subjectId: conversationId, before: { incidentId, title: i?.title ?? null }, after: { incidentId: null }, at: now });
      uow.onCommit(() => this.bus.publish({ type: 'conversation.incident_unlinked', brandId: actor.brandId, conversationId, userId: actor.userId ?? undefined, at: now.toISOString(), data: { incidentId } }));
    });
    return this.links(actor, conversationId);
  }
}
