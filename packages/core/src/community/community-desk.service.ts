import { EarshotError, type CanonicalMessage } from '@earshot/domain';
import type { CommunityPostStatus, CommunityQuestionsTable, DB, Kysely, Updateable } from '@earshot/db';
import type { OutboundMessage, SendResult } from '../channels/driver';
import type { IngestService } from '../ingest/ingest.service';
import { RetryAt } from '../jobs/job.types';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact, type UnitOfWork } from '../shared/unit-of-work';
import { articlePath } from '../kb/kb.service';
import { excerpt, markdownText } from '../kb/markdown';
import { slugify } from '../kb/slug';
import { loadCommunityOfBrand, questionPath, type CommunityBrand } from './community-brand';
import { COMMUNITY_LIMITS, acceptAnswer, type CommunityService } from './community.service';
import { findQuestion, listAnswers, listComments, type QuestionRow } from './community.repository';

export type ModerationTarget = 'question' | 'answer' | 'comment';
export type ModerationAction = 'approve' | 'hide' | 'unhide' | 'lock' | 'unlock' | 'move' | 'duplicate';

export interface DeskQuestion {
  id: string; title: string; body: string; excerpt: string; tags: string[]; topic: string; status: CommunityPostStatus; heldReason: string | null; locked: boolean;
  duplicateOf: string | null; acceptedAnswerId: string | null; answered: boolean; escalatedAt: string | null; conversationId: string | null; kbArticleId: string | null;
  score: number; answers: number; authorName: string; memberId: string; createdAt: string; path: string;
}
export interface DeskPost { type: ModerationTarget; id: string; questionId: string; questionTitle: string; body: string; status: CommunityPostStatus; heldReason: string | null; authorName: string; memberId: string | null; createdAt: string; reports: { id: string; reason: string; createdAt: string }[] }
export interface DeskQuestionDetail extends Omit<DeskQuestion, 'answers'> {
  answerCount: number;
  answers: { id: string; body: string; status: CommunityPostStatus; staff: boolean; authorName: string; score: number; createdAt: string }[];
  comments: { id: string; answerId: string | null; body: string; status: CommunityPostStatus; authorName: string; createdAt: string }[];
}

const audit = (actor: Actor) => ({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id });
const notFound = (what: string) => new EarshotError('EARSHOT_NOT_FOUND', `${what} not found`, { field: 'params.id' });
/** The inbound message an escalated question becomes: its provider id names the question. */
export const escalationMessageId = (questionId: string) => `community:question:${questionId}`;
const QUESTION_OF_MESSAGE = /^community:question:([0-9a-f-]{36})$/;

function deskQuestion(q: QuestionRow, brandSlug: string): DeskQuestion {
  return {
    id: q.id, title: q.title, body: q.body, excerpt: excerpt(q.body, 160), tags: q.tags, topic: q.topic, status: q.status, heldReason: q.held_reason, locked: !!q.locked_at,
    duplicateOf: q.duplicate_of, acceptedAnswerId: q.accepted_answer_id, answered: !!q.answered_at, escalatedAt: q.escalated_at?.toISOString() ?? null,
    conversationId: q.conversation_id, kbArticleId: q.kb_article_id, score: q.score, answers: q.answer_count, authorName: q.author_name, memberId: q.member_id,
    createdAt: q.created_at.toISOString(), path: questionPath(brandSlug, q.id),
  };
}

/**
 * The desk's side of the community: the moderation queue (held and reported posts), hide, lock,
 * move, mark duplicate, approve (which trusts the member), staff answers and acceptance, promoting a
 * thread to a draft article; and the queue's side: an unanswered question becomes a conversation on
 * the community channel, and a reply from the desk is delivered into the thread as a staff answer.
 */
export class CommunityDeskService {
  constructor(private readonly db: Kysely<DB>, private readonly clock: Clock, private readonly ingest: IngestService, private readonly community: CommunityService) {}

  async #brand(actor: Actor): Promise<CommunityBrand> {
    return loadCommunityOfBrand(this.db, actor.brandId);
  }

  async questions(actor: Actor, f: { status?: CommunityPostStatus | undefined; unanswered?: boolean | undefined; limit?: number | undefined }): Promise<DeskQuestion[]> {
    const brand = await this.#brand(actor);
    let q = this.db.selectFrom('community_questions as q').innerJoin('community_members as m', 'm.id', 'q.member_id').selectAll('q').select('m.display_name as author_name')
      .where('q.brand_id', '=', actor.brandId);
    if (f.status) q = q.where('q.status', '=', f.status);
    if (f.unanswered) q = q.where('q.answered_at', 'is', null);
    const rows = await q.orderBy('q.last_activity_at', 'desc').orderBy('q.id', 'desc').limit(Math.min(Math.max(f.limit ?? 50, 1), 200)).execute();
    return rows.map((r) => deskQuestion(r as unknown as QuestionRow, brand.slug));
  }

  async question(actor: Actor, id: string): Promise<DeskQuestionDetail> {
    const brand = await this.#brand(actor);
    const q = await findQuestion(this.db, actor.brandId, id);
    if (!q) throw notFound('question');
    const [answers, comments] = await Promise.all([listAnswers(this.db, actor.brandId, id, null, { all: true }), listComments(this.db, actor.brandId, id, null, { all: true })]);
    const { answers: answerCount, ...rest } = deskQuestion(q, brand.slug);
    return {
      ...rest, answerCount,
      answers: answers.map((a) => ({ id: a.id, body: a.body, status: a.status, staff: a.is_staff, authorName: a.author_name, score: a.score, createdAt: a.created_at.toISOString() })),
      comments: comments.map((c) => ({ id: c.id, answerId: c.answer_id, body: c.body, status: c.status, authorName: c.author_name, createdAt: c.created_at.toISOString() })),
    };
  }

  /** Held posts (first posts, spam) and posts with open reports, oldest first: what a moderator works through. */
  async moderationQueue(actor: Actor): Promise<DeskPost[]> {
    await this.#brand(actor);
    const b = actor.brandId;
    const rows = (await this.db.selectFrom('community_questions as q').innerJoin('community_members as m', 'm.id', 'q.member_id')
      .select(['q.id', 'q.id as question_id', 'q.title as question_title', 'q.title', 'q.body', 'q.status', 'q.held_reason', 'm.display_name', 'q.member_id', 'q.created_at'])
      .where('q.brand_id', '=', b).where((eb) => eb.or([eb('q.status', '=', 'held'), eb.exists(eb.selectFrom('community_reports as r').select('r.id').where('r.brand_id', '=', b).where('r.target_type', '=', 'question').whereRef('r.target_id', '=', 'q.id').where('r.resolved_at', 'is', null))]))
      .orderBy('q.created_at').limit(100).execute()).map((r) => ({ ...r, type: 'question' as const, body: `${r.title}\n\n${r.body}` }));
    const answers = (await this.db.selectFrom('community_answers as a').innerJoin('community_questions as q', 'q.id', 'a.question_id').leftJoin('community_members as m', 'm.id', 'a.member_id')
      .select(['a.id', 'a.question_id', 'q.title as question_title', 'a.body', 'a.status', 'a.held_reason', 'm.display_name', 'a.member_id', 'a.created_at'])
      .where('a.brand_id', '=', b).where('q.brand_id', '=', b).where((eb) => eb.or([eb('a.status', '=', 'held'), eb.exists(eb.selectFrom('community_reports as r').select('r.id').where('r.brand_id', '=', b).where('r.target_type', '=', 'answer').whereRef('r.target_id', '=', 'a.id').where('r.resolved_at', 'is', null))]))
      .orderBy('a.created_at').limit(100).execute()).map((r) => ({ ...r, type: 'answer' as const }));
    const comments = (await this.db.selectFrom('community_comments as c').innerJoin('community_questions as q', 'q.id', 'c.question_id').innerJoin('community_members as m', 'm.id', 'c.member_id')
      .select(['c.id', 'c.question_id', 'q.title as question_title', 'c.body', 'c.status', 'c.held_reason', 'm.display_name', 'c.member_id', 'c.created_at'])
      .where('c.brand_id', '=', b).where('q.brand_id', '=', b).where((eb) => eb.or([eb('c.status', '=', 'held'), eb.exists(eb.selectFrom('community_reports as r').select('r.id').where('r.brand_id', '=', b).where('r.target_type', '=', 'comment').whereRef('r.target_id', '=', 'c.id').where('r.resolved_at', 'is', null))]))
      .orderBy('c.created_at').limit(100).execute()).map((r) => ({ ...r, type: 'comment' as const }));
    const all = [...rows, ...answers, ...comments].sort((x, y) => x.created_at.getTime() - y.created_at.getTime()).slice(0, 200);
    const reports = all.length ? await this.db.selectFrom('community_reports').select(['id', 'target_id', 'reason', 'created_at']).where('brand_id', '=', b).where('resolved_at', 'is', null)
      .where('target_id', 'in', all.map((p) => p.id)).orderBy('created_at').execute() : [];
    return all.map((p) => ({
      type: p.type, id: p.id, questionId: p.question_id, questionTitle: p.question_title, body: p.body, status: p.status, heldReason: p.held_reason, authorName: p.display_name ?? 'Staff',
      memberId: p.member_id, createdAt: p.created_at.toISOString(), reports: reports.filter((r) => r.target_id === p.id).map((r) => ({ id: r.id, reason: r.reason, createdAt: r.created_at.toISOString() })),
    }));
  }

  /** One moderation step on a post, audited; reports on the post are resolved by hide, unhide and approve. */
  async moderate(actor: Actor, target: ModerationTarget, id: string, action: ModerationAction, opts: { topic?: string | undefined; duplicateOf?: string | undefined } = {}): Promise<void> {
    const brand = await this.#brand(actor);
    if (target !== 'question' && !['approve', 'hide', 'unhide'].includes(action)) throw new EarshotError('EARSHOT_VALIDATION', `an ${target} can be approved, hidden or unhidden`, { field: 'body.action' });
    await transact(this.db, async (uow) => {
      const now = this.clock.now();
      const record = (act: string, before: unknown, after: unknown) => uow.record({ ...audit(actor), action: `community_${target}.${act}`, subjectType: `community_${target}`, subjectId: id, before, after, at: now });
      if (target === 'question') {
        const q = await findQuestion(uow.tx, actor.brandId, id, { lock: true });
        if (!q) throw notFound('question');
        await this.#moderateQuestion(uow, actor, brand, q, action, opts, now, record);
      } else {
        const table = target === 'answer' ? 'community_answers' : 'community_comments';
        const p = await uow.tx.selectFrom(table as 'community_answers').select(['status', 'member_id', 'question_id']).where('brand_id', '=', actor.brandId).where('id', '=', id).forUpdate().executeTakeFirst();
        if (!p) throw notFound(target);
        const next: CommunityPostStatus = action === 'hide' ? 'hidden' : 'visible';
        if (action === 'approve' && p.status !== 'held') throw new EarshotError('EARSHOT_INVALID_STATE', `this ${target} is not held`, { field: 'body.action' });
        if (action === 'unhide' && p.status !== 'hidden') throw new EarshotError('EARSHOT_INVALID_STATE', `this ${target} is not hidden`, { field: 'body.action' });
        if (p.status !== next) {
          await uow.tx.updateTable(table as 'community_answers').set({ status: next, held_reason: null }).where('brand_id', '=', actor.brandId).where('id', '=', id).execute();
          // The question's answer count is of visible answers.
          if (target === 'answer') {
            const delta = (next === 'visible' ? 1 : 0) - (p.status === 'visible' ? 1 : 0);
            if (delta) await uow.tx.updateTable('community_questions').set((eb) => ({ answer_count: eb('answer_count', '+', delta), last_activity_at: now })).where('brand_id', '=', actor.brandId).where('id', '=', p.question_id).execute();
          }
          record(action === 'approve' ? 'approved' : action === 'hide' ? 'hidden' : 'unhidden', { status: p.status }, { status: next });
        }
        if (action === 'approve' && p.member_id) await this.#trust(uow, actor, p.member_id, now);
      }
      if (action === 'hide' || action === 'unhide' || action === 'approve') await this.#resolveReports(uow, actor, target, id, now);
    });
  }

  async #moderateQuestion(uow: UnitOfWork, actor: Actor, brand: CommunityBrand, q: QuestionRow, action: ModerationAction, opts: { topic?: string | undefined; duplicateOf?: string | undefined }, now: Date, record: (act: string, before: unknown, after: unknown) => void): Promise<void> {
    const set = (values: Updateable<CommunityQuestionsTable>) => uow.tx.updateTable('community_questions').set(values).where('brand_id', '=', brand.id).where('id', '=', q.id).execute();
    switch (action) {
      case 'approve':
        if (q.status !== 'held') throw new EarshotError('EARSHOT_INVALID_STATE', 'this question is not held', { field: 'body.action' });
        await set({ status: 'visible', held_reason: null, last_activity_at: now });
        await this.#trust(uow, actor, q.member_id, now);
        // Its waiting time counts from when it was asked: the customer has waited since then.
        await this.community.scheduleEscalation(uow, brand, q.id, now);
        return record('approved', { status: q.status }, { status: 'visible' });
      case 'hide':
        if (q.status === 'hidden') return;
        await set({ status: 'hidden' });
        return record('hidden', { status: q.status }, { status: 'hidden' });
      case 'unhide':
        if (q.status !== 'hidden') throw new EarshotError('EARSHOT_INVALID_STATE', 'this question is not hidden', { field: 'body.action' });
        await set({ status: 'visible' });
        return record('unhidden', { status: q.status }, { status: 'visible' });
      case 'lock':
        if (q.locked_at) return;
        await set({ locked_at: now });
        return record('locked', { locked: false }, { locked: true });
      case 'unlock':
        if (!q.locked_at) return;
        await set({ locked_at: null, duplicate_of: null });
        return record('unlocked', { locked: true, duplicateOf: q.duplicate_of }, { locked: false, duplicateOf: null });
      case 'move': {
        const topic = opts.topic ?? '';
        if (!brand.settings.topics.some((t) => t.slug === topic)) throw new EarshotError('EARSHOT_VALIDATION', 'no such topic in this community', { field: 'body.topic' });
        if (topic === q.topic) return;
        await set({ topic });
        return record('moved', { topic: q.topic }, { topic });
      }
      case 'duplicate': {
        const of = opts.duplicateOf ?? '';
        if (of === q.id) throw new EarshotError('EARSHOT_VALIDATION', 'a question cannot duplicate itself', { field: 'body.duplicateOf' });
        const original = /^[0-9a-f-]{36}$/.test(of) ? await findQuestion(uow.tx, brand.id, of) : undefined;
        if (!original || original.status !== 'visible') throw new EarshotError('EARSHOT_NOT_FOUND', 'the original question was not found', { field: 'body.duplicateOf' });
        // A duplicate is closed: answers belong on the original.
        await set({ duplicate_of: of, locked_at: q.locked_at ?? now });
        return record('marked_duplicate', { duplicateOf: q.duplicate_of }, { duplicateOf: of });
      }
    }
  }

  async #trust(uow: UnitOfWork, actor: Actor, memberId: string, now: Date): Promise<void> {
    const r = await uow.tx.updateTable('community_members').set({ trusted_at: now }).where('brand_id', '=', actor.brandId).where('id', '=', memberId).where('trusted_at', 'is', null).returning('id').executeTakeFirst();
    if (r) uow.record({ ...audit(actor), action: 'community_member.trusted', subjectType: 'community_member', subjectId: memberId, after: { trusted: true }, at: now });
  }

  async #resolveReports(uow: UnitOfWork, actor: Actor, target: ModerationTarget, id: string, now: Date): Promise<void> {
    const done = await uow.tx.updateTable('community_reports').set({ resolved_at: now, resolved_by: actor.userId ?? null })
      .where('brand_id', '=', actor.brandId).where('target_type', '=', target).where('target_id', '=', id).where('resolved_at', 'is', null).returning('id').execute();
    for (const r of done) uow.record({ ...audit(actor), action: 'community_report.resolved', subjectType: 'community_report', subjectId: r.id, after: { resolved: true }, at: now });
  }

  /** A moderator dismisses a report without changing the post. */
  async resolveReport(actor: Actor, reportId: string): Promise<void> {
    await transact(this.db, async (uow) => {
      const now = this.clock.now();
      const r = await uow.tx.updateTable('community_reports').set({ resolved_at: now, resolved_by: actor.userId ?? null }).where('brand_id', '=', actor.brandId).where('id', '=', reportId).where('resolved_at', 'is', null).returning('id').executeTakeFirst();
      if (!r) throw notFound('open report');
      uow.record({ ...audit(actor), action: 'community_report.resolved', subjectType: 'community_report', subjectId: reportId, after: { resolved: true, dismissed: true }, at: now });
    });
  }

  async setMember(actor: Actor, memberId: string, input: { banned?: boolean | undefined; contactId?: string | null | undefined }): Promise<void> {
    await transact(this.db, async (uow) => {
      const m = await uow.tx.selectFrom('community_members').selectAll().where('brand_id', '=', actor.brandId).where('id', '=', memberId).forUpdate().executeTakeFirst();
      if (!m) throw new EarshotError('EARSHOT_NOT_FOUND', 'member not found', { field: 'params.id' });
      const now = this.clock.now();
      if (input.banned !== undefined && input.banned !== !!m.banned_at) {
        await uow.tx.updateTable('community_members').set({ banned_at: input.banned ? now : null }).where('brand_id', '=', actor.brandId).where('id', '=', memberId).execute();
        if (input.banned) await uow.tx.deleteFrom('community_sessions').where('brand_id', '=', actor.brandId).where('member_id', '=', memberId).execute();
        uow.record({ ...audit(actor), action: input.banned ? 'community_member.banned' : 'community_member.unbanned', subjectType: 'community_member', subjectId: memberId, at: now });
      }
      if (input.contactId !== undefined && input.contactId !== m.contact_id) {
        if (input.contactId) {
          const c = await uow.tx.selectFrom('contacts').select('id').where('brand_id', '=', actor.brandId).where('id', '=', input.contactId).executeTakeFirst();
          if (!c) throw new EarshotError('EARSHOT_CONTACT_NOT_FOUND', 'contact not found', { field: 'body.contactId' });
          // The member's identity on the community channel belongs to that contact from now on.
          await uow.tx.insertInto('contact_identities').values({ brand_id: actor.brandId, contact_id: input.contactId, channel_kind: 'community', external_id: memberExternalId(memberId), display_name: m.display_name })
            .onConflict((oc) => oc.columns(['brand_id', 'channel_kind', 'external_id']).doUpdateSet({ contact_id: input.contactId as string })).execute();
        }
        await uow.tx.updateTable('community_members').set({ contact_id: input.contactId }).where('brand_id', '=', actor.brandId).where('id', '=', memberId).execute();
        uow.record({ ...audit(actor), action: 'community_member.linked', subjectType: 'community_member', subjectId: memberId, before: { contactId: m.contact_id }, after: { contactId: input.contactId }, at: now });
      }
    });
  }

  /** A staff answer written in the desk's community page (the escalated conversation's replies arrive through deliverStaffAnswer). */
  async staffAnswer(actor: Actor, questionId: string, body: string): Promise<{ id: string }> {
    const text = body.replaceAll('\0', '').trim();
    if (!text) throw new EarshotError('EARSHOT_VALIDATION', 'the answer is empty', { field: 'body.body' });
    if (text.length > COMMUNITY_LIMITS.answer) throw new EarshotError('EARSHOT_VALIDATION', `the answer is too long (at most ${COMMUNITY_LIMITS.answer} characters)`, { field: 'body.body' });
    await this.#brand(actor);
    return transact(this.db, async (uow) => {
      const q = await findQuestion(uow.tx, actor.brandId, questionId, { lock: true });
      if (!q || q.status === 'hidden') throw notFound('question');
      return { id: await this.#insertStaffAnswer(uow, actor, q, text, null, this.clock.now()) };
    });
  }

  async #insertStaffAnswer(uow: UnitOfWork, actor: Actor, q: QuestionRow, body: string, sourceMessageId: string | null, now: Date): Promise<string> {
    const row = await uow.tx.insertInto('community_answers').values({ brand_id: q.brand_id, question_id: q.id, member_id: null, author_user_id: actor.userId ?? null, is_staff: true, body, source_message_id: sourceMessageId, created_at: now })
      .returning('id').executeTakeFirstOrThrow();
    await uow.tx.updateTable('community_questions').set((eb) => ({ answered_at: q.answered_at ?? now, last_activity_at: now, answer_count: eb('answer_count', '+', 1) }))
      .where('brand_id', '=', q.brand_id).where('id', '=', q.id).execute();
    uow.record({ ...audit(actor), action: 'community_answer.created', subjectType: 'community_answer', subjectId: row.id, after: { questionId: q.id, body, staff: true, sourceMessageId }, at: now });
    return row.id;
  }

  async staffAccept(actor: Actor, questionId: string, answerId: string): Promise<void> {
    await transact(this.db, async (uow) => {
      const q = await findQuestion(uow.tx, actor.brandId, questionId, { lock: true });
      if (!q || q.status !== 'visible') throw notFound('question');
      await acceptAnswer(uow, actor.brandId, q, answerId, audit(actor), this.clock.now());
    });
  }

  /**
   * One click: the thread becomes a draft article (question, then the accepted answer or else the
   * staff and best-voted ones), linked both ways: the article links to the thread and the question
   * remembers its article (a second click opens the same draft).
   */
  async promote(actor: Actor, questionId: string): Promise<{ articleId: string; created: boolean }> {
    const brand = await this.#brand(actor);
    return transact(this.db, async (uow) => {
      const q = await findQuestion(uow.tx, actor.brandId, questionId, { lock: true });
      if (!q || q.status !== 'visible') throw notFound('question');
      if (q.kb_article_id) return { articleId: q.kb_article_id, created: false };
      const answers = (await listAnswers(uow.tx, actor.brandId, q.id, null)).sort((a, b) => Number(b.id === q.accepted_answer_id) - Number(a.id === q.accepted_answer_id) || Number(b.is_staff) - Number(a.is_staff) || b.score - a.score);
      const chosen = answers.filter((a) => a.id === q.accepted_answer_id || a.is_staff).slice(0, 3);
      const used = chosen.length ? chosen : answers.slice(0, 1);
      const body = [q.body.trim(), ...used.map((a) => `## ${a.is_staff ? 'Answer from our team' : 'Answer'}\n\n${a.body.trim()}`), `---\n\nFrom the community: [${q.title.replace(/[[\]]/g, '')}](${questionPath(brand.slug, q.id)})`].filter(Boolean).join('\n\n');
      const base = slugify(q.title) || 'community-question';
      let slug = base;
      for (let i = 2; await uow.tx.selectFrom('kb_articles').select('id').where('brand_id', '=', actor.brandId).where('slug', '=', slug).executeTakeFirst(); i++) slug = `${base.slice(0, 90)}-${i}`;
      const now = this.clock.now();
      const row = await uow.tx.insertInto('kb_articles').values({ brand_id: actor.brandId, title: q.title, slug, body, status: 'draft', tags: q.tags, author_id: actor.userId ?? null, created_at: now, updated_at: now })
        .returning(['id', 'title', 'slug', 'status', 'tags', 'body']).executeTakeFirstOrThrow();
      await uow.tx.updateTable('community_questions').set({ kb_article_id: row.id }).where('brand_id', '=', actor.brandId).where('id', '=', q.id).execute();
      uow.record({ ...audit(actor), action: 'kb_article.created', subjectType: 'kb_article', subjectId: row.id, after: { title: row.title, slug: row.slug, status: row.status, tags: row.tags, body: row.body, fromCommunityQuestion: q.id }, at: now });
      uow.record({ ...audit(actor), action: 'community_question.promoted', subjectType: 'community_question', subjectId: q.id, after: { kbArticleId: row.id, path: articlePath(brand.slug, row.slug) }, at: now });
      return { articleId: row.id, created: true };
    });
  }

  /**
   * Questions still without an accepted or staff answer whose brand's hours have passed (by this
   * service's clock) go to the queue. The sweep reads only waiting questions (a partial index).
   */
  async escalateDue(limit = 100): Promise<number> {
    const now = this.clock.now();
    const due = await this.db.selectFrom('community_questions as q').innerJoin('channels as c', (j) => j.onRef('c.brand_id', '=', 'q.brand_id').on('c.kind', '=', 'community'))
      .select(['q.id', 'q.brand_id']).where('q.status', '=', 'visible').where('q.answered_at', 'is', null).where('q.escalated_at', 'is', null).where('c.status', '=', 'active')
      .where('q.created_at', '<=', now).orderBy('q.created_at').limit(limit * 4).execute();
    let n = 0;
    for (const q of due) {
      if (n >= limit) break;
      if ((await this.escalate(q.brand_id, q.id)).escalated) n++;
    }
    return n;
  }

  /**
   * One question into the queue, if it is still waiting and due: stored through ingest as an inbound
   * message on the community channel (one provider id per question, so doing it twice is once), which
   * routes it, starts its SLA clock and assigns it like any other; then marked escalated.
   */
  async escalate(brandId: string, questionId: string): Promise<{ escalated: boolean; dueAt?: Date }> {
    const brand = await loadCommunityOfBrand(this.db, brandId);
    const q = await findQuestion(this.db, brandId, questionId);
    if (!q || q.status !== 'visible' || q.answered_at || q.escalated_at) return { escalated: false };
    const dueAt = new Date(q.created_at.getTime() + brand.settings.escalateAfterHours * 3600_000);
    if (dueAt > this.clock.now()) return { escalated: false, dueAt };
    const member = await this.db.selectFrom('community_members').select(['id', 'display_name', 'email', 'contact_id']).where('brand_id', '=', brandId).where('id', '=', q.member_id).executeTakeFirstOrThrow();
    const url = brand.settings.publicUrl ? `${brand.settings.publicUrl.replace(/\/+$/, '')}${questionPath(brand.slug, q.id)}` : questionPath(brand.slug, q.id);
    const message: CanonicalMessage = {
      providerMessageId: escalationMessageId(q.id), threadKey: `community:${q.id}`, direction: 'inbound', visibility: 'public', subject: q.title,
      author: { externalId: memberExternalId(member.id), displayName: member.display_name, handle: member.display_name, email: member.contact_id ? null : member.email },
      text: `${q.title}\n\n${markdownText(q.body)}\n\n${url}`.slice(0, 20_000), sentAt: this.clock.now().toISOString(),
    };
    await this.ingest.store(brandId, brand.channelId, [{ providerEventId: message.providerMessageId, payload: message }]);
    return transact(this.db, async (uow) => {
      const now = this.clock.now();
      const r = await uow.tx.updateTable('community_questions').set({ escalated_at: now }).where('brand_id', '=', brandId).where('id', '=', q.id).where('escalated_at', 'is', null).returning('id').executeTakeFirst();
      if (r) uow.record({ brandId, actorType: 'system', actorId: 'community', action: 'community_question.escalated', subjectType: 'community_question', subjectId: q.id, after: { channelId: brand.channelId, afterHours: brand.settings.escalateAfterHours }, at: now });
      return { escalated: !!r };
    });
  }

  /** The `community.escalate` job: due by the clock, or retried when it is (the brand may have changed its hours). */
  async runEscalationJob({ brandId, questionId }: { brandId: string; questionId: string }): Promise<void> {
    const r = await this.escalate(brandId, questionId).catch((err: unknown) => { if (err instanceof EarshotError && err.status === 404) return { escalated: false }; throw err; });
    if ('dueAt' in r && r.dueAt) throw new RetryAt(r.dueAt, 'not due yet');
  }

  /**
   * Delivery of a desk reply on the community channel: the reply becomes a staff answer in the
   * question's thread (once per message, by its id). Private replies cannot be delivered: a
   * community answer is public.
   */
  async deliverStaffAnswer(msg: OutboundMessage): Promise<SendResult> {
    if (msg.visibility !== 'public') throw new EarshotError('EARSHOT_CHANNEL_RULE', 'a community reply is a public answer in the thread; send it as public');
    const m = await this.db.selectFrom('messages').select(['brand_id', 'conversation_id', 'author_user_id', 'text']).where('id', '=', msg.messageId).executeTakeFirst();
    if (!m) throw new EarshotError('EARSHOT_PROVIDER_REJECTED', 'message not found');
    const asked = await this.db.selectFrom('messages').select('provider_message_id').where('brand_id', '=', m.brand_id).where('conversation_id', '=', m.conversation_id)
      .where('direction', '=', 'inbound').where('provider_message_id', 'like', 'community:question:%').orderBy('sent_at', 'desc').limit(1).executeTakeFirst();
    const questionId = QUESTION_OF_MESSAGE.exec(asked?.provider_message_id ?? '')?.[1];
    if (!questionId) throw new EarshotError('EARSHOT_PROVIDER_REJECTED', 'this conversation has no community question to answer');
    const answerId = await transact(this.db, async (uow) => {
      const existing = await uow.tx.selectFrom('community_answers').select('id').where('brand_id', '=', m.brand_id).where('source_message_id', '=', msg.messageId).executeTakeFirst();
      if (existing) return existing.id;
      const q = await findQuestion(uow.tx, m.brand_id, questionId, { lock: true });
      if (!q || q.status === 'hidden') throw new EarshotError('EARSHOT_PROVIDER_REJECTED', 'the community question was hidden or removed');
      if (!q.conversation_id) await uow.tx.updateTable('community_questions').set({ conversation_id: m.conversation_id }).where('brand_id', '=', m.brand_id).where('id', '=', q.id).execute();
      const actor: Actor = { type: m.author_user_id ? 'user' : 'system', id: m.author_user_id ?? 'deliver', brandId: m.brand_id, userId: m.author_user_id };
      return this.#insertStaffAnswer(uow, actor, q, m.text, msg.messageId, this.clock.now());
    });
    return { providerMessageIds: [`community:answer:${answerId}`] };
  }
}

export const memberExternalId = (memberId: string) => `member:${memberId}`;
