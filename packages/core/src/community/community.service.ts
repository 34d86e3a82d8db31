import { EarshotError } from '@earshot/domain';
import type { CommunityPostStatus, DB, Kysely } from '@earshot/db';
import type { MessageClassifier } from '../ingest/message-classifier';
import type { Clock } from '../shared/clock';
import { transact, type UnitOfWork } from '../shared/unit-of-work';
import { articlePath } from '../kb/kb.service';
import { excerpt, renderMarkdown } from '../kb/markdown';
import { questionTerms } from '../kb/question-terms';
import { suggestArticles } from '../kb/kb.repository';
import { JOB_COMMUNITY_ESCALATE, escalateJobKey } from './community-jobs';
import { loadCommunityBrand, questionPath, type CommunityBrand } from './community-brand';
import { memberActor, type CommunityMember } from './community-auth.service';
import { findQuestion, listAnswers, listComments, listQuestions, memberVotes, recentPosts, searchCommunity, type QuestionRow } from './community.repository';
import { enqueueJob } from '../jobs/job.queue';

export const COMMUNITY_LIMITS = { title: 200, question: 20_000, answer: 20_000, comment: 2_000, tags: 5, tag: 30, report: 500 } as const;

export interface QuestionSummary { id: string; title: string; excerpt: string; tags: string[]; topic: string; score: number; answers: number; answered: boolean; accepted: boolean; locked: boolean; authorName: string; lastActivityAt: string; path: string }
export interface SearchResult { kind: 'question' | 'article'; id: string; title: string; excerpt: string; answered: boolean; path: string }
export interface CommunityHome { brand: { name: string; slug: string }; topics: { slug: string; name: string }[]; questions: QuestionSummary[]; nextCursor: string | null; search: SearchResult[] | null }

export interface AnswerView { id: string; html: string; authorName: string; staff: boolean; score: number; myVote: number; accepted: boolean; held: boolean; mine: boolean; createdAt: string; comments: CommentView[] }
export interface CommentView { id: string; text: string; authorName: string; held: boolean; createdAt: string }
export interface QuestionPage {
  brand: { name: string; slug: string };
  question: { id: string; title: string; html: string; tags: string[]; topic: string; topicName: string; score: number; myVote: number; authorName: string; createdAt: string; locked: boolean; held: boolean; mine: boolean; duplicateOf: { id: string; title: string; path: string } | null; comments: CommentView[] };
  answers: AnswerView[];
  related: { title: string; path: string; excerpt: string }[];
  /** The signed-in member may accept an answer (they asked, the thread is open). */
  canAccept: boolean;
}

export interface PostResult { id: string; status: CommunityPostStatus; path: string }

const notFound = (what = 'question', field = 'params.id') => new EarshotError('EARSHOT_NOT_FOUND', `${what} not found`, { field });
const locked = () => new EarshotError('EARSHOT_INVALID_STATE', 'this thread is locked: no new answers, comments or votes', { field: 'params.id' });

function tooLong(field: string, max: number): EarshotError {
  return new EarshotError('EARSHOT_VALIDATION', `${field.replace('body.', '')} is too long (at most ${max} characters)`, { field, details: { max } });
}

function text(value: string, field: string, max: number, min = 1): string {
  const v = value.replaceAll('\0', '').trim();
  if (v.length < min) throw new EarshotError('EARSHOT_VALIDATION', `${field.replace('body.', '')} is empty`, { field });
  if (v.length > max) throw tooLong(field, max);
  return v;
}

function cleanTags(raw: string[] | string | undefined): string[] {
  const list = Array.isArray(raw) ? raw : (raw ?? '').split(/[,\s]+/);
  const tags = [...new Set(list.map((t) => t.trim().toLowerCase().replace(/^#/, '')).filter(Boolean))];
  if (tags.length > COMMUNITY_LIMITS.tags) throw new EarshotError('EARSHOT_VALIDATION', `at most ${COMMUNITY_LIMITS.tags} tags`, { field: 'body.tags' });
  for (const t of tags) if (!/^[a-z0-9][a-z0-9-]{0,29}$/.test(t)) throw new EarshotError('EARSHOT_VALIDATION', 'a tag is letters, digits and hyphens (at most 30)', { field: 'body.tags' });
  return tags;
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify({ at: at.toISOString(), id })).toString('base64url');
}

function decodeCursor(s: string): { at: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { at?: unknown; id?: unknown };
    if (typeof c.at === 'string' && !Number.isNaN(Date.parse(c.at)) && typeof c.id === 'string' && /^[0-9a-f-]{36}$/.test(c.id)) return { at: c.at, id: c.id };
  } catch { /* refused below */ }
  throw new EarshotError('EARSHOT_VALIDATION', 'cursor is not one this server gave out', { field: 'query.cursor' });
}

/** What a question needs before a member may add to it: visible (or their own held one) and not locked. */
function openFor(q: QuestionRow | undefined, member: CommunityMember): QuestionRow {
  if (!q || q.status === 'hidden' || (q.status === 'held' && q.member_id !== member.id)) throw notFound();
  if (q.locked_at) throw locked();
  return q;
}

/**
 * The community's public side: pages (lists, search shared with the knowledge base, a question with
 * its answers, comments and related articles) and what signed-in members do (ask, answer, comment,
 * vote once, accept, report). Markdown is the knowledge base's renderer (raw HTML escaped, unsafe
 * links refused, ADR 0011). Every change is audited in its transaction; every query names the brand.
 */
export class CommunityService {
  constructor(private readonly db: Kysely<DB>, private readonly clock: Clock, private readonly classifier: MessageClassifier | null) {}

  brand(slug: string): Promise<CommunityBrand> {
    return loadCommunityBrand(this.db, slug);
  }

  async home(brand: CommunityBrand, f: { q?: string | undefined; topic?: string | undefined; tag?: string | undefined; cursor?: string | undefined }): Promise<CommunityHome> {
    const base = { brand: { name: brand.name, slug: brand.slug }, topics: brand.settings.topics };
    const q = f.q?.replaceAll('\0', '').trim().slice(0, 200);
    if (q) {
      const hits = await searchCommunity(this.db, brand.id, q, 30);
      return {
        ...base, questions: [], nextCursor: null,
        search: hits.map((h) => ({ kind: h.kind, id: h.id, title: h.title, excerpt: excerpt(h.body, 180), answered: h.answered, path: h.kind === 'article' ? articlePath(brand.slug, h.slug ?? '') : questionPath(brand.slug, h.id) })),
      };
    }
    const limit = 30;
    const topic = f.topic && brand.settings.topics.some((t) => t.slug === f.topic) ? f.topic : undefined;
    const rows = await listQuestions(this.db, brand.id, { topic, tag: f.tag?.toLowerCase().slice(0, 30) || undefined, after: f.cursor ? decodeCursor(f.cursor) : null, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      ...base, search: null,
      nextCursor: rows.length > limit && last ? encodeCursor(last.last_activity_at, last.id) : null,
      questions: page.map((r) => ({
        id: r.id, title: r.title, excerpt: excerpt(r.body, 160), tags: r.tags, topic: r.topic, score: r.score, answers: r.answer_count, answered: r.answered,
        accepted: r.accepted, locked: r.locked, authorName: r.author_name, lastActivityAt: r.last_activity_at.toISOString(), path: questionPath(brand.slug, r.id),
      })),
    };
  }

  async question(brand: CommunityBrand, id: string, viewer: CommunityMember | null): Promise<QuestionPage> {
    const q = await findQuestion(this.db, brand.id, id);
    if (!q || q.status === 'hidden' || (q.status === 'held' && q.member_id !== viewer?.id)) throw notFound();
    const [answers, comments, dup] = await Promise.all([
      listAnswers(this.db, brand.id, id, viewer?.id ?? null), listComments(this.db, brand.id, id, viewer?.id ?? null),
      q.duplicate_of ? findQuestion(this.db, brand.id, q.duplicate_of) : Promise.resolve(undefined),
    ]);
    const votes = viewer ? await memberVotes(this.db, brand.id, viewer.id, [id, ...answers.map((a) => a.id)]) : new Map<string, number>();
    const commentView = (c: (typeof comments)[number]): CommentView => ({ id: c.id, text: c.body, authorName: c.author_name, held: c.status === 'held', createdAt: c.created_at.toISOString() });
    // The accepted answer first, then staff answers, then by votes, then oldest first.
    const ordered = [...answers].sort((a, b) => Number(b.id === q.accepted_answer_id) - Number(a.id === q.accepted_answer_id) || Number(b.is_staff) - Number(a.is_staff) || b.score - a.score || a.created_at.getTime() - b.created_at.getTime());
    return {
      brand: { name: brand.name, slug: brand.slug },
      question: {
        id: q.id, title: q.title, html: renderMarkdown(q.body), tags: q.tags, topic: q.topic, topicName: brand.settings.topics.find((t) => t.slug === q.topic)?.name ?? q.topic,
        score: q.score, myVote: votes.get(q.id) ?? 0, authorName: q.author_name, createdAt: q.created_at.toISOString(), locked: !!q.locked_at, held: q.status === 'held',
        mine: viewer?.id === q.member_id, duplicateOf: dup && dup.status === 'visible' ? { id: dup.id, title: dup.title, path: questionPath(brand.slug, dup.id) } : null,
        comments: comments.filter((c) => !c.answer_id).map(commentView),
      },
      answers: ordered.map((a) => ({
        id: a.id, html: renderMarkdown(a.body), authorName: a.author_name, staff: a.is_staff, score: a.score, myVote: votes.get(a.id) ?? 0, accepted: a.id === q.accepted_answer_id,
        held: a.status === 'held', mine: !!viewer && a.member_id === viewer.id, createdAt: a.created_at.toISOString(), comments: comments.filter((c) => c.answer_id === a.id).map(commentView),
      })),
      related: await this.related(brand, q),
      canAccept: !!viewer && viewer.id === q.member_id && !q.locked_at && q.status === 'visible',
    };
  }

  /**
   * Published articles for a question, by the desk's suggestion search (kb.repository.ts). A question
   * is longer than a tweet, so one shared title word ("update") is not enough here: an article must
   * share two of the question's words in its title or tags.
   */
  async related(brand: CommunityBrand, q: { title: string; body: string }): Promise<{ title: string; path: string; excerpt: string }[]> {
    const terms = questionTerms([q.title, q.body]);
    const need = Math.min(2, terms.length);
    const rows = (await suggestArticles(this.db, brand.id, terms, 12)).filter((r) => r.matched.length >= need && r.in_title.length >= need).slice(0, 3);
    return rows.map((r) => ({ title: r.title, path: articlePath(brand.slug, r.slug), excerpt: excerpt(r.body, 140) }));
  }

  /**
   * Before any post: the member is not suspended, under the posting limits (per member and per
   * address, any hour), and the post is held for a moderator when it is their first (until one is
   * approved) or triage calls it spam.
   */
  async #gate(uow: UnitOfWork, brand: CommunityBrand, member: CommunityMember, ip: string, body: string): Promise<{ status: CommunityPostStatus; heldReason: string | null }> {
    if (member.banned) throw new EarshotError('EARSHOT_FORBIDDEN', 'this account is suspended from the community');
    const now = this.clock.now();
    const recent = await recentPosts(uow.tx, brand.id, member.id, ip, new Date(now.getTime() - 3600_000));
    if (recent.member >= brand.settings.postsPerHourPerMember) throw new EarshotError('EARSHOT_RATE_LIMITED', 'you have posted a lot in the last hour; try again later', { details: { retryAfterS: 3600 } });
    if (recent.ip >= brand.settings.postsPerHourPerIp) throw new EarshotError('EARSHOT_RATE_LIMITED', 'too many posts from this address in the last hour; try again later', { details: { retryAfterS: 3600 } });
    await uow.tx.insertInto('community_post_log').values({ brand_id: brand.id, member_id: member.id, ip, created_at: now }).execute();
    if (await this.#isSpam(brand.id, body)) return { status: 'held', heldReason: 'spam' };
    if (brand.settings.holdFirstPosts && !member.trusted) return { status: 'held', heldReason: 'first_post' };
    return { status: 'visible', heldReason: null };
  }

  async #isSpam(brandId: string, body: string): Promise<boolean> {
    if (!this.classifier) return false;
    try {
      const c = await this.classifier.classify({ brandId, text: body.slice(0, 5_000), authorFollowers: null, priorInboundCount: 0, threadSize: 1, isPublic: true });
      const intent = c.labels.intent as { value?: unknown } | undefined;
      return intent?.value === 'spam';
    } catch {
      // Triage failing does not stop the community; moderators still see reports and first posts.
      return false;
    }
  }

  async ask(brand: CommunityBrand, member: CommunityMember, ip: string, input: { title: string; body: string; tags?: string[] | string | undefined; topic?: string | undefined }): Promise<PostResult> {
    const title = text(input.title, 'body.title', COMMUNITY_LIMITS.title);
    const body = text(input.body, 'body.body', COMMUNITY_LIMITS.question, 0);
    const tags = cleanTags(input.tags);
    const topic = input.topic ?? brand.settings.topics[0]?.slug ?? 'general';
    if (!brand.settings.topics.some((t) => t.slug === topic)) throw new EarshotError('EARSHOT_VALIDATION', 'no such topic', { field: 'body.topic' });
    return transact(this.db, async (uow) => {
      const gate = await this.#gate(uow, brand, member, ip, `${title}\n${body}`);
      const now = this.clock.now();
      const row = await uow.tx.insertInto('community_questions').values({
        brand_id: brand.id, member_id: member.id, topic, title, body, tags, status: gate.status, held_reason: gate.heldReason, created_at: now, last_activity_at: now,
      }).returning('id').executeTakeFirstOrThrow();
      uow.record({ ...memberActor(brand.id, member.id), action: 'community_question.created', subjectType: 'community_question', subjectId: row.id, after: { title, body, tags, topic, status: gate.status, heldReason: gate.heldReason }, at: now });
      if (gate.status === 'visible') await this.scheduleEscalation(uow, brand, row.id, now);
      return { id: row.id, status: gate.status, path: questionPath(brand.slug, row.id) };
    });
  }

  /** The question goes to the queue after the brand's hours unless answered first (community-escalation.ts). */
  async scheduleEscalation(uow: UnitOfWork, brand: CommunityBrand, questionId: string, from: Date): Promise<void> {
    await enqueueJob(uow.tx, JOB_COMMUNITY_ESCALATE, { brandId: brand.id, questionId }, { brandId: brand.id, key: escalateJobKey(questionId), runAt: new Date(from.getTime() + brand.settings.escalateAfterHours * 3600_000) });
  }

  async answer(brand: CommunityBrand, member: CommunityMember, ip: string, questionId: string, input: { body: string }): Promise<PostResult> {
    const body = text(input.body, 'body.body', COMMUNITY_LIMITS.answer);
    return transact(this.db, async (uow) => {
      openFor(await findQuestion(uow.tx, brand.id, questionId, { lock: true }), member);
      const gate = await this.#gate(uow, brand, member, ip, body);
      const now = this.clock.now();
      const row = await uow.tx.insertInto('community_answers').values({ brand_id: brand.id, question_id: questionId, member_id: member.id, body, status: gate.status, held_reason: gate.heldReason, created_at: now })
        .returning('id').executeTakeFirstOrThrow();
      if (gate.status === 'visible') await this.#touch(uow, brand.id, questionId, now, 1);
      uow.record({ ...memberActor(brand.id, member.id), action: 'community_answer.created', subjectType: 'community_answer', subjectId: row.id, after: { questionId, body, status: gate.status, heldReason: gate.heldReason }, at: now });
      return { id: row.id, status: gate.status, path: `${questionPath(brand.slug, questionId)}#answer-${row.id}` };
    });
  }

  async #touch(uow: UnitOfWork, brandId: string, questionId: string, now: Date, answers: number): Promise<void> {
    await uow.tx.updateTable('community_questions').set((eb) => ({ last_activity_at: now, answer_count: eb('answer_count', '+', answers) }))
      .where('brand_id', '=', brandId).where('id', '=', questionId).execute();
  }

  async comment(brand: CommunityBrand, member: CommunityMember, ip: string, questionId: string, input: { body: string; answerId?: string | undefined }): Promise<PostResult> {
    const body = text(input.body, 'body.body', COMMUNITY_LIMITS.comment);
    return transact(this.db, async (uow) => {
      openFor(await findQuestion(uow.tx, brand.id, questionId, { lock: true }), member);
      if (input.answerId) {
        const a = await uow.tx.selectFrom('community_answers').select('status').where('brand_id', '=', brand.id).where('question_id', '=', questionId).where('id', '=', input.answerId).executeTakeFirst();
        if (!a || a.status !== 'visible') throw notFound('answer', 'body.answerId');
      }
      const gate = await this.#gate(uow, brand, member, ip, body);
      const now = this.clock.now();
      const row = await uow.tx.insertInto('community_comments').values({ brand_id: brand.id, question_id: questionId, answer_id: input.answerId ?? null, member_id: member.id, body, status: gate.status, held_reason: gate.heldReason, created_at: now })
        .returning('id').executeTakeFirstOrThrow();
      if (gate.status === 'visible') await this.#touch(uow, brand.id, questionId, now, 0);
      uow.record({ ...memberActor(brand.id, member.id), action: 'community_comment.created', subjectType: 'community_comment', subjectId: row.id, after: { questionId, answerId: input.answerId ?? null, body, status: gate.status }, at: now });
      return { id: row.id, status: gate.status, path: questionPath(brand.slug, questionId) };
    });
  }

  /** One vote per member and post (a second is a 409); not on one's own post, nor in a locked thread. */
  async vote(brand: CommunityBrand, member: CommunityMember, input: { targetType: 'question' | 'answer'; targetId: string; value: 1 | -1 }): Promise<{ questionId: string; score: number }> {
    if (member.banned) throw new EarshotError('EARSHOT_FORBIDDEN', 'this account is suspended from the community');
    return transact(this.db, async (uow) => {
      const table = input.targetType === 'question' ? 'community_questions' : 'community_answers';
      let questionId: string;
      let authorId: string | null;
      if (input.targetType === 'question') {
        const q = await findQuestion(uow.tx, brand.id, input.targetId, { lock: true });
        if (!q || q.status !== 'visible') throw notFound('question', 'body.targetId');
        if (q.locked_at) throw locked();
        questionId = q.id;
        authorId = q.member_id;
      } else {
        const a = await uow.tx.selectFrom('community_answers as a').innerJoin('community_questions as q', 'q.id', 'a.question_id')
          .select(['a.question_id', 'a.member_id', 'a.status', 'q.status as q_status', 'q.locked_at']).where('a.brand_id', '=', brand.id).where('q.brand_id', '=', brand.id).where('a.id', '=', input.targetId).executeTakeFirst();
        if (!a || a.status !== 'visible' || a.q_status !== 'visible') throw notFound('answer', 'body.targetId');
        if (a.locked_at) throw locked();
        questionId = a.question_id;
        authorId = a.member_id;
      }
      if (authorId === member.id) throw new EarshotError('EARSHOT_INVALID_STATE', 'you cannot vote on your own post', { field: 'body.targetId' });
      const now = this.clock.now();
      const inserted = await uow.tx.insertInto('community_votes').values({ brand_id: brand.id, member_id: member.id, target_type: input.targetType, target_id: input.targetId, value: input.value, created_at: now })
        .onConflict((oc) => oc.doNothing()).returning('value').executeTakeFirst();
      if (!inserted) throw new EarshotError('EARSHOT_CONFLICT', 'you have already voted on this', { field: 'body.targetId' });
      const r = await uow.tx.updateTable(table).set((eb) => ({ score: eb('score', '+', input.value) })).where('brand_id', '=', brand.id).where('id', '=', input.targetId).returning('score').executeTakeFirstOrThrow();
      uow.record({ ...memberActor(brand.id, member.id), action: 'community_vote.cast', subjectType: `community_${input.targetType}`, subjectId: input.targetId, after: { value: input.value }, at: now });
      return { questionId, score: r.score };
    });
  }

  /** The asker accepts an answer (again: another one replaces it). Staff accept through the moderation service. */
  async accept(brand: CommunityBrand, member: CommunityMember, questionId: string, answerId: string): Promise<void> {
    await transact(this.db, async (uow) => {
      const q = await findQuestion(uow.tx, brand.id, questionId, { lock: true });
      if (!q || q.status !== 'visible') throw notFound();
      if (q.member_id !== member.id) throw new EarshotError('EARSHOT_FORBIDDEN', 'only the member who asked (or staff) can accept an answer');
      if (q.locked_at) throw locked();
      await acceptAnswer(uow, brand.id, q, answerId, memberActor(brand.id, member.id), this.clock.now());
    });
  }

  /** Any member reports a post for moderators (once per post). */
  async report(brand: CommunityBrand, member: CommunityMember, input: { targetType: 'question' | 'answer' | 'comment'; targetId: string; reason: string }): Promise<{ questionId: string }> {
    const reason = text(input.reason, 'body.reason', COMMUNITY_LIMITS.report);
    return transact(this.db, async (uow) => {
      const table = input.targetType === 'question' ? 'community_questions' : input.targetType === 'answer' ? 'community_answers' : 'community_comments';
      const target = input.targetType === 'question'
        ? await uow.tx.selectFrom('community_questions').select(['id as question_id', 'status']).where('brand_id', '=', brand.id).where('id', '=', input.targetId).executeTakeFirst()
        : await uow.tx.selectFrom(table as 'community_answers').select(['question_id', 'status']).where('brand_id', '=', brand.id).where('id', '=', input.targetId).executeTakeFirst();
      if (!target || target.status !== 'visible') throw notFound(input.targetType, 'body.targetId');
      const now = this.clock.now();
      const row = await uow.tx.insertInto('community_reports').values({ brand_id: brand.id, member_id: member.id, target_type: input.targetType, target_id: input.targetId, reason, created_at: now })
        .onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst();
      if (row) uow.record({ ...memberActor(brand.id, member.id), action: 'community_report.created', subjectType: `community_${input.targetType}`, subjectId: input.targetId, after: { reason }, at: now });
      return { questionId: target.question_id };
    });
  }
}

/** Marks an answer accepted (the question then counts as answered: it will not be escalated). */
export async function acceptAnswer(uow: UnitOfWork, brandId: string, q: QuestionRow, answerId: string, actor: { brandId: string; actorType: 'user' | 'token' | 'system' | 'channel'; actorId: string | null }, now: Date): Promise<void> {
  const a = await uow.tx.selectFrom('community_answers').select(['id', 'status']).where('brand_id', '=', brandId).where('question_id', '=', q.id).where('id', '=', answerId).executeTakeFirst();
  if (!a || a.status !== 'visible') throw new EarshotError('EARSHOT_NOT_FOUND', 'answer not found', { field: 'body.answerId' });
  if (q.accepted_answer_id === answerId) return;
  await uow.tx.updateTable('community_questions').set({ accepted_answer_id: answerId, answered_at: q.answered_at ?? now, last_activity_at: now })
    .where('brand_id', '=', brandId).where('id', '=', q.id).execute();
  uow.record({ ...actor, action: 'community_answer.accepted', subjectType: 'community_question', subjectId: q.id, before: { acceptedAnswerId: q.accepted_answer_id }, after: { acceptedAnswerId: answerId }, at: now });
}
