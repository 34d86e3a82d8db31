import { randomUUID } from 'node:crypto';
import { sql, type DB, type Kysely, type NoticeBatchKind } from '@earshot/db';
import { EarshotError, type NoticeBatchView, type NoticeStatus, type NoticeView } from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import { enqueueJobs } from '../jobs/job.queue';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact, type UnitOfWork } from '../shared/unit-of-work';
import { JOB_DELIVER, type ConversationService } from '../conversations/conversation.service';
import { countPublicRepeats, type RepeatCount } from '../canned/repeats.query';
import { customerForm } from '../followups/channel-form';
import { fillTemplate } from '../csat/csat.template';
import { batchViews, linkedConversations, noticeViews, selectedConversations, type NoticeTarget } from './notice.repository';

/** At most this many conversations in one bulk reply (an incident has no limit: it is the point). */
export const BULK_REPLY_LIMIT = 500;
/** A public bulk reply to this many conversations or more repeats itself in public: the agent confirms. */
export const BULK_REPEAT_WARNING = 3;

/**
 * One text, each customer's copy: {{first_name}} and {{name}} are filled, and a public reply on X
 * opens with the customer's @handle (X refuses the same text posted twice, and it reads as an answer).
 */
export function personalise(text: string, t: { channel_kind: string; contact_name: string | null; handle: string | null }, visibility: 'public' | 'private'): string {
  const name = t.contact_name?.trim() || '';
  let out = fillTemplate(text, { first_name: name.split(/\s+/)[0] || 'there', name: name || 'there' });
  const handle = t.handle ? (t.handle.startsWith('@') ? t.handle : `@${t.handle}`) : null;
  if (visibility === 'public' && t.channel_kind === 'x' && handle && !out.toLowerCase().includes(handle.toLowerCase())) out = `${handle} ${out}`;
  return out;
}

export interface NoticeInput { text: string; idempotencyKey?: string | undefined }

/**
 * One message to many customers at once — an incident update to every linked conversation, or a
 * reply to an inbox selection — each in the form their channel allows, through the delivery queue
 * (rate limits, retries, never sent twice). At most one notice per batch × conversation; progress
 * is the notices' delivery status; a retry re-queues only failures whose outcome is known.
 */
export class NoticeService {
  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock, private readonly conversations: ConversationService, private readonly wakeWorker: () => void) {}

  /** Posts an update to every conversation linked to the incident; `resolve` also resolves the incident and those conversations. */
  async postIncidentUpdate(actor: Actor, incidentId: string, input: NoticeInput & { resolve?: boolean | undefined }): Promise<NoticeBatchView> {
    const { batchId, resolvedTargets } = await transact(this.db, async (uow) => {
      const i = await uow.tx.selectFrom('incidents').selectAll().where('brand_id', '=', actor.brandId).where('id', '=', incidentId).forUpdate().executeTakeFirst();
      if (!i) throw new EarshotError('EARSHOT_INCIDENT_NOT_FOUND', 'incident not found', { field: 'params.id' });
      const prior = await this.#prior(uow, actor, input.idempotencyKey);
      if (prior) return { batchId: prior, resolvedTargets: [] as string[] };
      if (!input.resolve && i.status === 'resolved') throw new EarshotError('EARSHOT_INVALID_STATE', 'this incident is resolved; reopen it to post updates', { field: 'params.id' });
      const targets = await linkedConversations(uow.tx, actor.brandId, incidentId);
      const now = this.clock.now();
      if (input.resolve && i.status !== 'resolved') {
        await uow.tx.updateTable('incidents').set({ status: 'resolved', resolved_at: now, updated_at: now }).where('brand_id', '=', actor.brandId).where('id', '=', incidentId).execute();
        uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'incident.updated', subjectType: 'incident', subjectId: incidentId, before: { status: i.status }, after: { status: 'resolved' }, at: now });
      }
      const batchId = await this.#fanOut(uow, actor, { kind: input.resolve ? 'incident_resolution' : 'incident_update', incidentId, text: input.text, idempotencyKey: input.idempotencyKey }, targets);
      uow.onCommit(() => this.bus.publish({ type: 'incident.updated', brandId: actor.brandId, userId: actor.userId ?? undefined, at: now.toISOString(), data: { incidentId, batchId } }));
      return { batchId, resolvedTargets: input.resolve ? targets.filter((t) => t.status !== 'resolved').map((t) => t.id) : [] };
    });
    // Each linked conversation is resolved as an agent would resolve it (audit, SLA, capacity, follow-up).
    for (const id of resolvedTargets) await this.conversations.setStatus(actor, id, 'resolved');
    return this.batch(actor, batchId);
  }

  /** How often this text already went out in public (the composer's repeat warning). */
  repeats(actor: Actor, text: string): Promise<RepeatCount> {
    return countPublicRepeats(this.db, this.clock, actor, text);
  }

  /**
   * A reply to an inbox selection. A public reply to several customers, or a line already sent in
   * public, needs `acknowledgeRepeat` (409 with the counts otherwise). An agency agent's public
   * replies wait for a brand agent's approval, one by one, as in the composer.
   */
  async bulkReply(actor: Actor, input: NoticeInput & { conversationIds: string[]; acknowledgeRepeat?: boolean | undefined }): Promise<NoticeBatchView> {
    const ids = [...new Set(input.conversationIds)];
    if (ids.length === 0) throw new EarshotError('EARSHOT_VALIDATION', 'select at least one conversation', { field: 'body.conversationIds' });
    if (ids.length > BULK_REPLY_LIMIT) throw new EarshotError('EARSHOT_VALIDATION', `select at most ${BULK_REPLY_LIMIT} conversations`, { field: 'body.conversationIds' });
    const batchId = await transact(this.db, async (uow) => {
      const prior = await this.#prior(uow, actor, input.idempotencyKey);
      if (prior) return prior;
      const targets = await selectedConversations(uow.tx, actor.brandId, ids);
      if (targets.length !== ids.length) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'some selected conversations do not exist', { field: 'body.conversationIds' });
      const publicCount = targets.filter((t) => t.last_inbound_public).length;
      if (publicCount > 0 && !input.acknowledgeRepeat) {
        // In the transaction's own connection: the embedded database has only one.
        const repeats = await countPublicRepeats(uow.tx, this.clock, actor, input.text);
        if (publicCount >= BULK_REPEAT_WARNING || repeats.count > 0) {
          throw new EarshotError('EARSHOT_CONFLICT', `This text would go out in public ${publicCount} time(s)${repeats.count ? ` and was already sent in public ${repeats.count} time(s) in ${repeats.windowDays} days` : ''}: confirm to send it anyway`, {
            field: 'body.acknowledgeRepeat', details: { publicCount, repeats: repeats.count, windowDays: repeats.windowDays },
          });
        }
      }
      return this.#fanOut(uow, actor, { kind: 'bulk_reply', incidentId: null, text: input.text, idempotencyKey: input.idempotencyKey }, targets);
    });
    return this.batch(actor, batchId);
  }

  async #prior(uow: UnitOfWork, actor: Actor, key: string | undefined): Promise<string | null> {
    if (!key) return null;
    const r = await uow.tx.selectFrom('notice_batches').select('id').where('brand_id', '=', actor.brandId).where('idempotency_key', '=', key).executeTakeFirst();
    return r?.id ?? null;
  }

  /** The batch, its messages, its notices and their delivery jobs: a few multi-row statements, one transaction. */
  async #fanOut(uow: UnitOfWork, actor: Actor, b: { kind: NoticeBatchKind; incidentId: string | null; text: string; idempotencyKey: string | undefined }, targets: NoticeTarget[]): Promise<string> {
    const { tx } = uow;
    const now = this.clock.now();
    const batch = await tx.insertInto('notice_batches').values({ brand_id: actor.brandId, incident_id: b.incidentId, kind: b.kind, text: b.text, idempotency_key: b.idempotencyKey ?? null, created_by: actor.userId ?? null, created_at: now })
      .returning('id').executeTakeFirstOrThrow();
    const planned = targets.map((t) => ({ t, form: customerForm(t.channel_kind, t, now) }));
    const sendable = planned.filter((p): p is { t: NoticeTarget; form: { kind: 'message'; visibility: 'public' | 'private' } } => p.form.kind === 'message');
    const messages = sendable.map(({ t, form }) => {
      const awaiting = form.visibility === 'public' && actor.role === 'agency_agent';
      return {
        id: randomUUID(), brand_id: actor.brandId, conversation_id: t.id, channel_id: t.channel_id, direction: 'outbound' as const, visibility: form.visibility, kind: 'message' as const,
        author_user_id: actor.userId ?? null, text: personalise(b.text, t, form.visibility), idempotency_key: `notice:${batch.id}:${t.id}`, sent_at: now, delivery_status: awaiting ? 'awaiting_approval' as const : 'queued' as const,
      };
    });
    if (messages.length) await tx.insertInto('messages').values(messages).execute();
    const messageOf = new Map(messages.map((m) => [m.conversation_id, m]));
    if (planned.length) {
      await tx.insertInto('notices').values(planned.map(({ t, form }) => ({
        batch_id: batch.id, conversation_id: t.id, brand_id: actor.brandId, message_id: messageOf.get(t.id)?.id ?? null,
        skip_reason: form.kind === 'phone' ? 'Phone customer: there is no written channel; call them.' : form.kind === 'closed' ? form.reason : null,
      }))).onConflict((oc) => oc.columns(['batch_id', 'conversation_id']).doNothing()).execute();
    }
    const queued = messages.filter((m) => m.delivery_status === 'queued');
    await enqueueJobs(tx, queued.map((m) => ({ name: JOB_DELIVER, payload: { messageId: m.id }, opts: { brandId: actor.brandId, key: `deliver:${m.id}` } })));
    if (messages.length) {
      // A notice answers the customer (it does not reopen a resolved conversation).
      await sql`update conversations set message_count = message_count + 1, last_activity_at = ${now}, updated_at = ${now},
          first_reply_at = coalesce(first_reply_at, ${now}), waiting_since = null
        where brand_id = ${actor.brandId} and id = any(${messages.map((m) => m.conversation_id)}::uuid[])`.execute(tx);
    }
    for (const m of messages) {
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: m.delivery_status === 'awaiting_approval' ? 'message.awaiting_approval' : 'message.sent', subjectType: 'message', subjectId: m.id, after: { conversationId: m.conversation_id, visibility: m.visibility, kind: 'message', text: b.text, batchId: batch.id }, at: now });
    }
    uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'notice.batch_posted', subjectType: b.incidentId ? 'incident' : 'notice_batch', subjectId: b.incidentId ?? batch.id, after: { batchId: batch.id, kind: b.kind, text: b.text, conversations: planned.length, queued: queued.length, skipped: planned.length - messages.length }, at: now });
    uow.onCommit(() => {
      for (const m of messages) this.bus.publish({ type: 'message.created', brandId: actor.brandId, conversationId: m.conversation_id, messageId: m.id, at: now.toISOString() });
      this.wakeWorker();
    });
    return batch.id;
  }

  async batch(actor: Actor, batchId: string): Promise<NoticeBatchView> {
    const [b] = await batchViews(this.db, actor.brandId, { batchId, limit: 1 });
    if (!b) throw new EarshotError('EARSHOT_NOT_FOUND', 'notice batch not found', { field: 'params.batchId' });
    return b;
  }

  async incidentBatches(actor: Actor, incidentId: string): Promise<NoticeBatchView[]> {
    const i = await this.db.selectFrom('incidents').select('id').where('brand_id', '=', actor.brandId).where('id', '=', incidentId).executeTakeFirst();
    if (!i) throw new EarshotError('EARSHOT_INCIDENT_NOT_FOUND', 'incident not found', { field: 'params.id' });
    return batchViews(this.db, actor.brandId, { incidentId, limit: 50 });
  }

  async notices(actor: Actor, batchId: string, status?: NoticeStatus, limit = 500): Promise<NoticeView[]> {
    await this.batch(actor, batchId);
    return noticeViews(this.db, actor.brandId, batchId, status, Math.min(Math.max(limit, 1), 1000));
  }

  /**
   * Re-queues the batch's failed notices — only those: sent ones are never touched, and a failure
   * whose outcome is unknown (the worker died while the provider was called) is left for a person to
   * check, since the customer may already have it.
   */
  async retryFailed(actor: Actor, batchId: string): Promise<NoticeBatchView & { retried: number; leftUnknown: number }> {
    const { retried, leftUnknown } = await transact(this.db, async (uow) => {
      const b = await uow.tx.selectFrom('notice_batches').select('id').where('brand_id', '=', actor.brandId).where('id', '=', batchId).forUpdate().executeTakeFirst();
      if (!b) throw new EarshotError('EARSHOT_NOT_FOUND', 'notice batch not found', { field: 'params.batchId' });
      const failed = (await sql<{ id: string; conversation_id: string; code: string | null }>`
        select m.id, m.conversation_id, d.last_error_code as code from notices n
        join messages m on m.id = n.message_id and m.brand_id = n.brand_id
        left join message_deliveries d on d.message_id = m.id
        where n.brand_id = ${actor.brandId} and n.batch_id = ${batchId} and m.delivery_status = 'failed'
        for update of m`.execute(uow.tx)).rows;
      const retry = failed.filter((f) => f.code !== 'EARSHOT_DELIVERY_UNKNOWN');
      if (retry.length === 0) return { retried: 0, leftUnknown: failed.length };
      const now = this.clock.now();
      await uow.tx.updateTable('messages').set({ delivery_status: 'queued', delivery_error: null }).where('brand_id', '=', actor.brandId).where('id', 'in', retry.map((f) => f.id)).execute();
      await enqueueJobs(uow.tx, retry.map((f) => ({ name: JOB_DELIVER, payload: { messageId: f.id }, opts: { brandId: actor.brandId, key: `deliver:${f.id}` } })));
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'notice.batch_retried', subjectType: 'notice_batch', subjectId: batchId, after: { retried: retry.length, leftUnknown: failed.length - retry.length }, at: now });
      uow.onCommit(() => {
        for (const f of retry) this.bus.publish({ type: 'message.updated', brandId: actor.brandId, conversationId: f.conversation_id, messageId: f.id, at: now.toISOString() });
        this.wakeWorker();
      });
      return { retried: retry.length, leftUnknown: failed.length - retry.length };
    });
    return { ...(await this.batch(actor, batchId)), retried, leftUnknown };
  }
}
