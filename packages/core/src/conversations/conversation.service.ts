import type { JobName } from '@earshot/domain';
import { randomUUID } from 'node:crypto';
import type { DB, Kysely, Priority, ConversationStatus } from '@earshot/db';
import { EarshotError, PERSONAL_DATA_LABELS, scanPersonalData, type ConversationDetail, type DeskEventType, type ConversationPage, type ConversationView, type MessageView } from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import { enqueueJob } from '../jobs/job.queue';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact, type UnitOfWork } from '../shared/unit-of-work';
import { findMembership } from '../auth/user.repository';
import { agencyApprovalOf } from '../brands/brand.service';
import { listMessages, lockConversation, updateConversation, type ConversationRow } from './conversation.repository';
import { getConversationView, listConversations, messageViews, type ListFilters } from './conversation.query';
import { insertMentions, resolveMentionedUsers, withMentions } from '../mentions/mention.repository';
import { incidentLinks } from '../incidents/incident.repository';
import { assignWaiting } from '../routing/assign-waiting';

export const JOB_DELIVER = 'message.deliver' satisfies JobName;

export interface ConversationHooks {
  /** Runs in the change's transaction after a change (SLA clocks are recomputed and rescheduled). */
  afterChange?: (uow: UnitOfWork, brandId: string, conversationId: string) => Promise<void>;
  /** Runs in the resolving transaction (surveys and follow-ups are scheduled, one per resolution). */
  onResolved?: (uow: UnitOfWork, brandId: string, conversationId: string, resolvedBy: string | null, resolvedAt: Date, teamId: string | null) => Promise<void>;
}

/** Statuses that count against an agent's capacity (routing.repository loadCandidates). */
const HOLDS_CAPACITY: ReadonlySet<ConversationStatus> = new Set(['open', 'pending']);

/** The audit action and desk event of a status change. */
const STATUS_EVENT = { open: 'conversation.opened', pending: 'conversation.pending', snoozed: 'conversation.snoozed', resolved: 'conversation.resolved' } as const satisfies Record<ConversationStatus, DeskEventType>;

/** What a change did: the audit diff, and the agent whose capacity it freed (the queue moves on to them). */
interface ChangeResult { before: Record<string, unknown>; after: Record<string, unknown>; freed?: { agentId: string; handedBack?: string } | null }

export interface ReplyInput {
  text: string;
  visibility: 'public' | 'private';
  /** Client-chosen key: the same reply posted twice is stored and sent once. */
  idempotencyKey?: string | undefined;
  /**
   * A public reply that the personal-data guard flags (card, IBAN, account number, address, email,
   * phone) is refused unless the agent confirms it; the override is audited with what was found.
   */
  allowPersonalData?: boolean | undefined;
}

export class ConversationService {
  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock, private readonly wakeWorker: () => void = () => undefined, private readonly hooks: ConversationHooks = {}) {}

  list(actor: Actor, filters: ListFilters): Promise<ConversationPage> {
    return listConversations(this.db, actor.brandId, actor.userId ?? null, filters);
  }

  async get(actor: Actor, id: string): Promise<ConversationDetail> {
    const conversation = await getConversationView(this.db, actor.brandId, id);
    const messages = await withMentions(this.db, actor.brandId, await messageViews(this.db, actor.brandId, await listMessages(this.db, actor.brandId, id)));
    return { conversation, messages, incidents: await incidentLinks(this.db, actor.brandId, id) };
  }

  /** Locks the conversation, applies a change, audits it and tells the desk after commit. */
  async #change(actor: Actor, id: string, action: DeskEventType, fn: (c: ConversationRow, uow: UnitOfWork) => Promise<ChangeResult | null>): Promise<ConversationView> {
    await transact(this.db, async (uow) => {
      const c = await lockConversation(uow.tx, actor.brandId, id);
      if (!c) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'conversation not found', { field: 'params.id' });
      const diff = await fn(c, uow);
      if (!diff) return;
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action, subjectType: 'conversation', subjectId: id, before: diff.before, after: diff.after, at: this.clock.now() });
      await this.hooks.afterChange?.(uow, actor.brandId, id);
      uow.onCommit(() => this.bus.publish({ type: action, brandId: actor.brandId, conversationId: id, userId: actor.userId ?? undefined, at: this.clock.now().toISOString(), data: diff.after }));
      if (diff.freed) await assignWaiting(uow, { brandId: actor.brandId, agentId: diff.freed.agentId, handedBack: diff.freed.handedBack ?? null, now: this.clock.now(), bus: this.bus });
    });
    return getConversationView(this.db, actor.brandId, id);
  }

  assign(actor: Actor, id: string, assigneeId: string | null): Promise<ConversationView> {
    return this.#change(actor, id, 'conversation.assigned', async (c, uow) => {
      if (assigneeId) {
        const m = await findMembership(uow.tx, actor.brandId, assigneeId);
        if (!m || m.role === 'viewer') throw new EarshotError('EARSHOT_USER_NOT_FOUND', 'no agent with that id in this brand', { field: 'body.assigneeId' });
      }
      if (c.assignee_id === assigneeId) return null;
      await updateConversation(uow.tx, actor.brandId, id, { assignee_id: assigneeId });
      // Taken from an agent: their slot goes to the queue; an unassigned conversation rejoins it, but not with them.
      const freed = c.assignee_id && HOLDS_CAPACITY.has(c.status) ? { agentId: c.assignee_id, ...(assigneeId === null ? { handedBack: id } : {}) } : null;
      return { before: { assigneeId: c.assignee_id }, after: { assigneeId }, freed };
    });
  }

  setStatus(actor: Actor, id: string, status: ConversationStatus, snoozedUntil?: string | null): Promise<ConversationView> {
    return this.#change(actor, id, STATUS_EVENT[status], async (c, uow) => {
      if (status === 'snoozed' && !snoozedUntil) throw new EarshotError('EARSHOT_VALIDATION', 'snoozing needs a time to wake up', { field: 'body.snoozedUntil' });
      if (c.status === status && status !== 'snoozed') return null;
      const now = this.clock.now();
      await updateConversation(uow.tx, actor.brandId, id, {
        status,
        resolved_at: status === 'resolved' ? now : null,
        snoozed_until: status === 'snoozed' ? new Date(snoozedUntil ?? now) : null,
      });
      if (status === 'resolved') await this.hooks.onResolved?.(uow, actor.brandId, id, actor.userId ?? c.assignee_id, now, c.team_id);
      const freed = c.assignee_id && HOLDS_CAPACITY.has(c.status) && !HOLDS_CAPACITY.has(status) ? { agentId: c.assignee_id } : null;
      return { before: { status: c.status }, after: { status, ...(status === 'snoozed' ? { snoozedUntil } : {}) }, freed };
    });
  }

  setPriority(actor: Actor, id: string, priority: Priority): Promise<ConversationView> {
    return this.#change(actor, id, 'conversation.priority_changed', async (c, uow) => {
      if (c.priority === priority) return null;
      await updateConversation(uow.tx, actor.brandId, id, { priority });
      return { before: { priority: c.priority }, after: { priority } };
    });
  }

  setTags(actor: Actor, id: string, tags: string[]): Promise<ConversationView> {
    return this.#change(actor, id, 'conversation.tagged', async (c, uow) => {
      const next = [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].sort();
      if (next.join('\n') === [...c.tags].sort().join('\n')) return null;
      await updateConversation(uow.tx, actor.brandId, id, { tags: next });
      return { before: { tags: c.tags }, after: { tags: next } };
    });
  }

  /** An internal note; `mentions` are users of the brand it notifies (they see it under Mentions, live). */
  async addNote(actor: Actor, id: string, text: string, mentions: string[] = []): Promise<MessageView> {
    return this.#addMessage(actor, id, 'conversation.note_added', { text, visibility: 'private' }, 'note', mentions);
  }

  async reply(actor: Actor, id: string, input: ReplyInput): Promise<MessageView> {
    return this.#addMessage(actor, id, 'message.sent', input, 'message');
  }

  async #addMessage(actor: Actor, id: string, action: string, input: ReplyInput, kind: 'message' | 'note', mentions: string[] = []): Promise<MessageView> {
    const messageId = await transact(this.db, async (uow) => {
      const c = await lockConversation(uow.tx, actor.brandId, id);
      if (!c) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'conversation not found', { field: 'params.id' });
      const mentioned = kind === 'note' ? await resolveMentionedUsers(uow.tx, actor.brandId, mentions) : [];
      if (input.idempotencyKey) {
        const prior = await uow.tx.selectFrom('messages').select('id').where('brand_id', '=', actor.brandId).where('idempotency_key', '=', input.idempotencyKey).executeTakeFirst();
        if (prior) return prior.id;
      }
      const now = this.clock.now();
      const personalData = kind === 'message' && input.visibility === 'public' ? scanPersonalData(input.text) : [];
      if (personalData.length > 0 && input.allowPersonalData !== true) {
        throw new EarshotError('EARSHOT_PERSONAL_DATA', `this public reply contains personal data (${[...new Set(personalData.map((f) => PERSONAL_DATA_LABELS[f.kind]))].join(', ')}): send it privately, or confirm with allowPersonalData`, {
          field: 'body.text',
          // Where, not what: the error (and any log of it) does not repeat the data.
          details: { findings: personalData.map((f) => ({ kind: f.kind, index: f.index, length: f.match.length })) },
        });
      }
      // An agency agent's reply waits for a brand agent's approval when the brand says so (public ones by default).
      const needsApproval = kind === 'message' && actor.role === 'agency_agent'
        && (await agencyApprovalOf(uow.tx, actor.brandId))[input.visibility === 'public' ? 'publicReplies' : 'privateReplies'] === 'approval';
      const idempotencyKey = input.idempotencyKey ?? `${kind}:${randomUUID()}`;
      const m = await uow.tx.insertInto('messages').values({
        brand_id: actor.brandId, conversation_id: id, channel_id: c.channel_id, direction: 'outbound', visibility: input.visibility, kind,
        author_user_id: actor.userId ?? null, text: input.text, idempotency_key: idempotencyKey, sent_at: now,
        delivery_status: kind === 'note' ? null : needsApproval ? 'awaiting_approval' : 'queued',
      }).returning('id').executeTakeFirstOrThrow();
      if (kind === 'message') {
        await updateConversation(uow.tx, actor.brandId, id, {
          first_reply_at: c.first_reply_at ?? now, waiting_since: null, last_activity_at: now, message_count: c.message_count + 1,
          status: c.status === 'resolved' || c.status === 'snoozed' ? 'open' : c.status,
        });
        if (!needsApproval) await enqueueJob(uow.tx, JOB_DELIVER, { messageId: m.id }, { brandId: actor.brandId, key: `deliver:${m.id}` });
        await this.hooks.afterChange?.(uow, actor.brandId, id);
      } else {
        await updateConversation(uow.tx, actor.brandId, id, { last_activity_at: now, message_count: c.message_count + 1 });
        await insertMentions(uow.tx, { brandId: actor.brandId, messageId: m.id, conversationId: id, authorUserId: actor.userId ?? null, userIds: mentioned.map((u) => u.id), at: now });
      }
      const mentionedUserIds = mentioned.map((u) => u.id);
      uow.record({
        brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: needsApproval ? 'message.awaiting_approval' : action, subjectType: 'message', subjectId: m.id,
        after: {
          conversationId: id, visibility: input.visibility, kind, text: input.text, ...(mentionedUserIds.length ? { mentions: mentionedUserIds } : {}),
          ...(personalData.length ? { personalDataOverride: [...new Set(personalData.map((f) => f.kind))] } : {}),
        }, at: now,
      });
      uow.onCommit(() => {
        // A note is its own event: the desk refetches the conversation, and a mentioned agent's desk notifies them.
        if (kind === 'note') this.bus.publish({ type: 'conversation.note_added', brandId: actor.brandId, conversationId: id, messageId: m.id, userId: actor.userId ?? undefined, at: now.toISOString(), data: { mentionedUserIds } });
        else this.bus.publish({ type: 'message.created', brandId: actor.brandId, conversationId: id, messageId: m.id, at: now.toISOString() });
        this.wakeWorker();
      });
      return m.id;
    });
    const row = await this.db.selectFrom('messages').selectAll().where('brand_id', '=', actor.brandId).where('id', '=', messageId).executeTakeFirstOrThrow();
    const [view] = await withMentions(this.db, actor.brandId, await messageViews(this.db, actor.brandId, [row]));
    if (!view) throw new EarshotError('EARSHOT_MESSAGE_NOT_FOUND', 'message not found');
    return view;
  }

  /** A brand agent approves an agency agent's public reply: it is queued for delivery. */
  async approve(actor: Actor, conversationId: string, messageId: string): Promise<MessageView> {
    await transact(this.db, async (uow) => {
      const m = await uow.tx.selectFrom('messages').selectAll().where('brand_id', '=', actor.brandId).where('conversation_id', '=', conversationId).where('id', '=', messageId).forUpdate().executeTakeFirst();
      if (!m) throw new EarshotError('EARSHOT_MESSAGE_NOT_FOUND', 'message not found', { field: 'params.messageId' });
      if (m.delivery_status !== 'awaiting_approval') throw new EarshotError('EARSHOT_INVALID_STATE', `message is ${m.delivery_status ?? 'not a reply'}, not awaiting approval`);
      await uow.tx.updateTable('messages').set({ delivery_status: 'queued' }).where('id', '=', m.id).execute();
      await enqueueJob(uow.tx, JOB_DELIVER, { messageId: m.id }, { brandId: actor.brandId, key: `deliver:${m.id}` });
      await this.hooks.afterChange?.(uow, actor.brandId, conversationId); // the approved reply now answers the customer
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'message.approved', subjectType: 'message', subjectId: m.id, before: { deliveryStatus: 'awaiting_approval' }, after: { deliveryStatus: 'queued' }, at: this.clock.now() });
      uow.onCommit(() => { this.bus.publish({ type: 'message.updated', brandId: actor.brandId, conversationId, messageId, at: this.clock.now().toISOString() }); this.wakeWorker(); });
    });
    const row = await this.db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirstOrThrow();
    const [view] = await messageViews(this.db, actor.brandId, [row]);
    if (!view) throw new EarshotError('EARSHOT_MESSAGE_NOT_FOUND', 'message not found');
    return view;
  }
}
