import type { JobName, JobPayload } from '@earshot/domain';
import { randomUUID } from 'node:crypto';
import { sql, type DB, type Kysely } from '@earshot/db';
import {
  CSAT_LOW_SCORE, CSAT_REASONS, CSAT_TASK_DUE_HOURS, CSAT_TTL_DAYS, EarshotError, needsFollowUp,
  type CareTaskView, type CsatAnswerInput, type CsatGroupBy, type CsatReport, type CsatReportRow, type CsatSurveyView,
} from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import { enqueueJob } from '../jobs/job.queue';
import { jobPayload, PermanentJobError, type JobDefinition } from '../jobs/job.types';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact, type UnitOfWork } from '../shared/unit-of-work';
import { JOB_DELIVER } from '../conversations/conversation.service';
import { lockConversation } from '../conversations/conversation.repository';
import { csatAggregates, findSurveyByTokenHash, groupLabels, liveSurvey, surveyViews, taskViews } from './csat.repository';
import { isSurveyTokenShape, SURVEY_LINK_PLACEHOLDER, surveyToken, surveyTokenHash } from './csat.token';
import { DEFAULT_SURVEY_TEMPLATE, fillTemplate } from './csat.template';
import { customerForm } from '../followups/channel-form';

export const JOB_CSAT_SEND = 'csat.send' satisfies JobName;
const DAY_MS = 86_400_000;

export interface CsatOptions {
  /** The address customers reach this server at (links in surveys), e.g. https://care.example.com. */
  publicUrl: string;
  secretKey: string;
}

/** What the public survey page shows. */
export interface PublicSurvey {
  brandName: string;
  agentName: string | null;
  expiresAt: string;
  score: number | null;
  comment: string | null;
  reasons: string[];
  answered: boolean;
}


/**
 * Satisfaction after resolution: one survey per resolution, sent in the customer's channel in the form
 * it allows (or skipped, saying why), answered on a public page by an unguessable expiring link; a low
 * score opens a follow-up task for the agent who resolved it. Reports by agent, team, channel, form.
 */
export class CsatService {
  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock, private readonly opts: CsatOptions) {}

  /** Called in the resolving transaction: the survey is decided and sent by a job (dedupe: one per resolution). */
  async onResolved(uow: UnitOfWork, brandId: string, conversationId: string, resolvedBy: string | null, resolvedAt: Date): Promise<void> {
    await enqueueJob(uow.tx, JOB_CSAT_SEND, { conversationId, resolvedAt: resolvedAt.getTime(), resolvedBy }, { brandId, key: `csat:${conversationId}:${resolvedAt.getTime()}` });
  }

  /** The survey link of a survey (derived, never stored). */
  link(surveyId: string): string {
    return `${this.opts.publicUrl.replace(/\/+$/, '')}/csat/${surveyToken(this.opts.secretKey, surveyId)}`;
  }

  /** The delivery job's last step for a survey message: the placeholder becomes the link. */
  async expandText(messageId: string, text: string): Promise<string> {
    if (!text.includes(SURVEY_LINK_PLACEHOLDER)) return text;
    const s = await this.db.selectFrom('csat_surveys').select('id').where('message_id', '=', messageId).executeTakeFirst();
    return s ? text.replaceAll(SURVEY_LINK_PLACEHOLDER, this.link(s.id)) : text;
  }

  job(): JobDefinition {
    return {
      name: JOB_CSAT_SEND,
      mode: 'transactional',
      handle: async (job, uow) => {
        const p = jobPayload(job, JOB_CSAT_SEND);
        if (!job.brand_id) throw new PermanentJobError('csat.send needs a brand');
        await this.#send(uow, job.brand_id, p);
      },
    };
  }

  async #send(uow: UnitOfWork, brandId: string, p: JobPayload<typeof JOB_CSAT_SEND>): Promise<void> {
    const { tx } = uow;
    const c = await lockConversation(tx, brandId, p.conversationId);
    // Reopened (or resolved again) since: that resolution's survey is not sent.
    if (!c || c.status !== 'resolved' || c.resolved_at?.getTime() !== p.resolvedAt) return;
    // Nothing to rate: the conversation never needed an answer, or it is spam.
    if (!c.needs_response || c.tags.includes('spam')) return;
    const now = this.clock.now();
    if (await liveSurvey(tx, brandId, c.id, now)) return; // the customer's link from an earlier resolution still works
    const channel = await tx.selectFrom('channels').select(['kind']).where('brand_id', '=', brandId).where('id', '=', c.channel_id).executeTakeFirstOrThrow();
    const form = customerForm(channel.kind, c, now);
    const visibility = form.kind === 'message' ? form.visibility : 'private';
    const agentId = p.resolvedBy ?? c.assignee_id;
    const skip = form.kind === 'phone' ? 'Phone conversation: there is no written channel for a survey link; ask on the follow-up call.' : form.kind === 'closed' ? form.reason : null;
    const id = randomUUID();
    const base = { id, brand_id: brandId, conversation_id: c.id, resolution_key: `${c.id}:${p.resolvedAt}`, agent_id: agentId, team_id: c.team_id, channel_id: c.channel_id, visibility, sent_at: now, expires_at: new Date(now.getTime() + CSAT_TTL_DAYS * DAY_MS) };
    const inserted = await tx.insertInto('csat_surveys').values(skip ? { ...base, status: 'skipped', skip_reason: skip } : { ...base, status: 'sent', token_hash: surveyTokenHash(surveyToken(this.opts.secretKey, id)) })
      .onConflict((oc) => oc.column('resolution_key').doNothing()).returning('id').executeTakeFirst();
    if (!inserted) return;
    let messageId: string;
    if (skip) {
      messageId = (await tx.insertInto('messages').values({
        brand_id: brandId, conversation_id: c.id, channel_id: c.channel_id, direction: 'outbound', visibility: 'private', kind: 'event', text: `Satisfaction survey not sent: ${skip}`, sent_at: now,
      }).returning('id').executeTakeFirstOrThrow()).id;
    } else {
      const [brand, contact, agent] = await Promise.all([
        tx.selectFrom('brands').select('name').where('id', '=', brandId).executeTakeFirstOrThrow(),
        tx.selectFrom('contacts').select('name').where('brand_id', '=', brandId).where('id', '=', c.contact_id).executeTakeFirst(),
        agentId ? tx.selectFrom('users').select('name').where('id', '=', agentId).executeTakeFirst() : Promise.resolve(undefined),
      ]);
      const text = fillTemplate(DEFAULT_SURVEY_TEMPLATE, {
        first_name: contact?.name?.split(/\s+/)[0] || 'there', agent_name: agent?.name ?? `The ${brand.name} team`, brand_name: brand.name,
      }).replace(/, (The .* team), \1$/, ', $1');
      messageId = (await tx.insertInto('messages').values({
        brand_id: brandId, conversation_id: c.id, channel_id: c.channel_id, direction: 'outbound', visibility, kind: 'message', author_user_id: agentId,
        text, idempotency_key: `csat:${id}`, sent_at: now, delivery_status: 'queued',
      }).returning('id').executeTakeFirstOrThrow()).id;
      await tx.updateTable('csat_surveys').set({ message_id: messageId }).where('id', '=', id).execute();
      await enqueueJob(tx, JOB_DELIVER, { messageId }, { brandId, key: `deliver:${messageId}` });
    }
    await tx.updateTable('conversations').set({ message_count: c.message_count + 1, updated_at: now }).where('brand_id', '=', brandId).where('id', '=', c.id).execute();
    uow.record({ brandId, actorType: 'system', actorId: JOB_CSAT_SEND, action: skip ? 'csat.skipped' : 'csat.sent', subjectType: 'conversation', subjectId: c.id, after: { surveyId: id, messageId, visibility, agentId, ...(skip ? { reason: skip } : {}) }, at: now });
    uow.onCommit(() => this.bus.publish({ type: skip ? 'conversation.updated' : 'message.created', brandId, conversationId: c.id, messageId, at: now.toISOString() }));
  }

  /** The public page's look-up: forged or unknown tokens and expired links are told apart by code. */
  async publicSurvey(token: string): Promise<PublicSurvey> {
    const s = await this.#byToken(token);
    const [brand, agent] = await Promise.all([
      this.db.selectFrom('brands').select('name').where('id', '=', s.brand_id).executeTakeFirstOrThrow(),
      s.agent_id ? this.db.selectFrom('users').select('name').where('id', '=', s.agent_id).executeTakeFirst() : Promise.resolve(undefined),
    ]);
    return { brandName: brand.name, agentName: agent?.name ?? null, expiresAt: s.expires_at.toISOString(), score: s.score, comment: s.comment, reasons: s.reasons, answered: s.answered_at !== null };
  }

  async #byToken(token: string, ex: Kysely<DB> | UnitOfWork['tx'] = this.db, lock = false) {
    const s = isSurveyTokenShape(token) ? await findSurveyByTokenHash(ex, surveyTokenHash(token), lock) : undefined;
    if (!s || s.status !== 'sent') throw new EarshotError('EARSHOT_SURVEY_NOT_FOUND', 'this survey link is not valid', { field: 'params.token' });
    if (s.expires_at.getTime() <= this.clock.now().getTime()) throw new EarshotError('EARSHOT_SURVEY_EXPIRED', 'this survey link has expired', { field: 'params.token' });
    return s;
  }

  /**
   * The customer's answer: one per survey, changed (not added to) by a second post until the link
   * expires; audited. A low score or a negative comment opens one follow-up task for the last agent.
   */
  async answer(token: string, input: CsatAnswerInput): Promise<PublicSurvey & { taskOpened: boolean }> {
    const taskOpened = await transact(this.db, async (uow) => {
      const { tx } = uow;
      const s = await this.#byToken(token, tx, true);
      const now = this.clock.now();
      const comment = input.comment?.trim() ? input.comment.trim() : null;
      // Reasons belong to a low score; a changed mind to a good score drops them.
      const reasons = input.score <= CSAT_LOW_SCORE + 1 ? [...new Set(input.reasons ?? [])] : [];
      await tx.updateTable('csat_surveys').set({ score: input.score, comment, reasons, answered_at: now, answer_count: s.answer_count + 1 }).where('id', '=', s.id).execute();
      uow.record({
        brandId: s.brand_id, actorType: 'system', actorId: 'customer', action: s.answered_at ? 'csat.answer_changed' : 'csat.answered', subjectType: 'conversation', subjectId: s.conversation_id,
        before: s.answered_at ? { score: s.score, comment: s.comment, reasons: s.reasons } : undefined, after: { surveyId: s.id, score: input.score, comment, reasons }, at: now,
      });
      let opened = false;
      if (needsFollowUp(input.score, comment)) opened = await this.#openFollowUpTask(uow, s, input.score, comment, reasons, now);
      uow.onCommit(() => this.bus.publish({ type: 'conversation.updated', brandId: s.brand_id, conversationId: s.conversation_id, at: now.toISOString(), data: { csat: input.score } }));
      return opened;
    });
    return { ...(await this.publicSurvey(token)), taskOpened };
  }

  async #openFollowUpTask(uow: UnitOfWork, s: { id: string; brand_id: string; conversation_id: string; channel_id: string; agent_id: string | null; team_id: string | null }, score: number, comment: string | null, reasons: string[], now: Date): Promise<boolean> {
    const { tx } = uow;
    const due = new Date(now.getTime() + CSAT_TASK_DUE_HOURS * 3_600_000);
    const said = [comment ? `“${comment.slice(0, 300)}”` : null, reasons.length ? `(${reasons.map((r) => CSAT_REASONS[r as keyof typeof CSAT_REASONS] ?? r).join('; ')})` : null].filter(Boolean).join(' ');
    const title = `Follow up on a ${score}/5 satisfaction answer${said ? `: ${said}` : ''}`;
    const task = await tx.insertInto('care_tasks').values({
      brand_id: s.brand_id, conversation_id: s.conversation_id, kind: 'csat_follow_up', source_key: `csat:${s.id}`, title, assignee_id: s.agent_id, team_id: s.team_id, due_at: due, created_at: now,
    }).onConflict((oc) => oc.column('source_key').doNothing()).returning('id').executeTakeFirst();
    if (!task) return false;
    const assignee = s.agent_id ? await tx.selectFrom('users').select('name').where('id', '=', s.agent_id).executeTakeFirst() : undefined;
    await tx.insertInto('messages').values({
      brand_id: s.brand_id, conversation_id: s.conversation_id, channel_id: s.channel_id, direction: 'inbound', visibility: 'private', kind: 'event', sent_at: now,
      text: `Customer rated ${score}/5${said ? ` ${said}` : ''}. Follow-up task for ${assignee?.name ?? 'the team'}, due ${due.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    }).execute();
    await tx.updateTable('conversations').set({ message_count: sql<number>`message_count + 1`, updated_at: now }).where('brand_id', '=', s.brand_id).where('id', '=', s.conversation_id).execute();
    uow.record({ brandId: s.brand_id, actorType: 'system', actorId: 'csat', action: 'task.created', subjectType: 'conversation', subjectId: s.conversation_id, after: { taskId: task.id, kind: 'csat_follow_up', assigneeId: s.agent_id, dueAt: due.toISOString(), surveyId: s.id }, at: now });
    return true;
  }

  /** Surveys and tasks of one conversation (its header and timeline). */
  async care(actor: Actor, conversationId: string): Promise<{ surveys: CsatSurveyView[]; tasks: CareTaskView[] }> {
    const c = await this.db.selectFrom('conversations').select('id').where('brand_id', '=', actor.brandId).where('id', '=', conversationId).executeTakeFirst();
    if (!c) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'conversation not found', { field: 'params.id' });
    const [surveys, tasks] = await Promise.all([surveyViews(this.db, actor.brandId, conversationId), taskViews(this.db, actor.brandId, { conversationId, limit: 100 })]);
    return { surveys, tasks };
  }

  /** An agent's task queue (mine: the signed-in user's), soonest due first. */
  tasks(actor: Actor, q: { assignee?: 'me' | string | undefined; status?: 'open' | 'done' | undefined; limit?: number | undefined }): Promise<CareTaskView[]> {
    const assigneeId = q.assignee === 'me' ? actor.userId ?? '00000000-0000-0000-0000-000000000000' : q.assignee;
    return taskViews(this.db, actor.brandId, { ...(assigneeId ? { assigneeId } : {}), status: q.status ?? 'open', limit: Math.min(Math.max(q.limit ?? 50, 1), 200) });
  }

  /** Done, with what came of it (the call's outcome, what was fixed); audited on the conversation. */
  async completeTask(actor: Actor, taskId: string, outcome: string): Promise<CareTaskView> {
    const conversationId = await transact(this.db, async (uow) => {
      const t = await uow.tx.selectFrom('care_tasks').selectAll().where('brand_id', '=', actor.brandId).where('id', '=', taskId).forUpdate().executeTakeFirst();
      if (!t) throw new EarshotError('EARSHOT_TASK_NOT_FOUND', 'task not found', { field: 'params.id' });
      if (t.status === 'done') throw new EarshotError('EARSHOT_INVALID_STATE', 'this task is already done', { field: 'params.id' });
      const now = this.clock.now();
      await uow.tx.updateTable('care_tasks').set({ status: 'done', outcome, done_by: actor.userId ?? null, done_at: now }).where('brand_id', '=', actor.brandId).where('id', '=', taskId).execute();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'task.completed', subjectType: 'conversation', subjectId: t.conversation_id, before: { taskId, status: 'open' }, after: { taskId, status: 'done', outcome }, at: now });
      uow.onCommit(() => this.bus.publish({ type: 'conversation.updated', brandId: actor.brandId, conversationId: t.conversation_id, userId: actor.userId ?? undefined, at: now.toISOString() }));
      return t.conversation_id;
    });
    const [view] = (await taskViews(this.db, actor.brandId, { conversationId, limit: 100 })).filter((t) => t.id === taskId);
    if (!view) throw new EarshotError('EARSHOT_TASK_NOT_FOUND', 'task not found');
    return view;
  }

  /** Satisfaction of surveys sent in [from, to) by agent, team, channel or public/private, with response rate. */
  async report(actor: Actor, q: { groupBy: CsatGroupBy; from?: string | undefined; to?: string | undefined }): Promise<CsatReport> {
    const to = q.to ? new Date(q.to) : this.clock.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new EarshotError('EARSHOT_VALIDATION', 'from and to are ISO dates', { field: 'query.from' });
    if (from >= to) throw new EarshotError('EARSHOT_VALIDATION', 'from must be before to', { field: 'query.from' });
    if (to.getTime() - from.getTime() > 366 * DAY_MS) throw new EarshotError('EARSHOT_VALIDATION', 'a report covers at most 366 days', { field: 'query.from' });
    const rows = await csatAggregates(this.db, actor.brandId, q.groupBy, from, to);
    const labels = await groupLabels(this.db, actor.brandId, q.groupBy, rows.map((r) => r.key).filter((k): k is string => k !== null));
    const none = { agent: 'No agent', team: 'No team', channel: 'Unknown channel', visibility: 'Unknown' }[q.groupBy];
    const withLabels: CsatReportRow[] = rows.map((r) => ({ ...r, label: r.key === null ? none : labels.get(r.key) ?? r.key }));
    return { groupBy: q.groupBy, from: from.toISOString(), to: to.toISOString(), total: total(withLabels), rows: withLabels };
  }
}

function total(rows: CsatReportRow[]): CsatReportRow {
  const sent = rows.reduce((n, r) => n + r.sent, 0);
  const answered = rows.reduce((n, r) => n + r.answered, 0);
  const scores = [0, 1, 2, 3, 4].map((i) => rows.reduce((n, r) => n + (r.scores[i] ?? 0), 0)) as [number, number, number, number, number];
  const sum = scores.reduce((n, c, i) => n + c * (i + 1), 0);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { key: null, label: 'All', sent, answered, responseRate: sent ? round(answered / sent) : null, averageScore: answered ? round(sum / answered) : null, csat: answered ? round((scores[3] + scores[4]) / answered) : null, scores };
}
