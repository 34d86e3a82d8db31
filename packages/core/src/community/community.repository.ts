import { sql, type CommunityPostStatus } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

export interface QuestionRow {
  id: string; brand_id: string; member_id: string; topic: string; title: string; body: string; tags: string[]; status: CommunityPostStatus;
  held_reason: string | null; locked_at: Date | null; duplicate_of: string | null; accepted_answer_id: string | null; answered_at: Date | null;
  escalated_at: Date | null; conversation_id: string | null; kb_article_id: string | null; score: number; answer_count: number;
  created_at: Date; last_activity_at: Date; author_name: string;
}

const QUESTION_COLUMNS = sql`q.id, q.brand_id, q.member_id, q.topic, q.title, q.body, q.tags, q.status, q.held_reason, q.locked_at, q.duplicate_of,
  q.accepted_answer_id, q.answered_at, q.escalated_at, q.conversation_id, q.kb_article_id, q.score, q.answer_count, q.created_at, q.last_activity_at,
  m.display_name as author_name`;

export async function findQuestion(ex: Executor, brandId: string, id: string, opts: { lock?: boolean } = {}): Promise<QuestionRow | undefined> {
  if (opts.lock) await sql`select 1 from community_questions where brand_id = ${brandId} and id = ${id}::uuid for update`.execute(ex);
  return (await sql<QuestionRow>`select ${QUESTION_COLUMNS} from community_questions q join community_members m on m.id = q.member_id
    where q.brand_id = ${brandId} and q.id = ${id}::uuid`.execute(ex)).rows[0];
}

export interface ListedQuestion { id: string; title: string; body: string; tags: string[]; topic: string; score: number; answer_count: number; answered: boolean; accepted: boolean; locked: boolean; author_name: string; created_at: Date; last_activity_at: Date }

/** Newest activity first, a page after a keyset position; visible questions only. */
export async function listQuestions(ex: Executor, brandId: string, f: { topic?: string | undefined; tag?: string | undefined; after: { at: string; id: string } | null; limit: number }): Promise<ListedQuestion[]> {
  const where = [sql`q.brand_id = ${brandId}`, sql`q.status = 'visible'`];
  if (f.topic) where.push(sql`q.topic = ${f.topic}`);
  if (f.tag) where.push(sql`q.tags @> ${[f.tag]}::text[]`);
  if (f.after) where.push(sql`(q.last_activity_at, q.id) < (${f.after.at}::timestamptz, ${f.after.id}::uuid)`);
  return (await sql<ListedQuestion>`select q.id, q.title, q.body, q.tags, q.topic, q.score, q.answer_count, q.answered_at is not null as answered,
      q.accepted_answer_id is not null as accepted, q.locked_at is not null as locked, m.display_name as author_name, q.created_at, q.last_activity_at
    from community_questions q join community_members m on m.id = q.member_id
    where ${sql.join(where, sql` and `)} order by q.last_activity_at desc, q.id desc limit ${f.limit}`.execute(ex)).rows;
}

export interface SearchHit { kind: 'question' | 'article'; id: string; title: string; body: string; slug: string | null; answered: boolean; rank: number }

/**
 * Community questions and published knowledge-base articles in one list, by one rank: both search
 * documents are weighted alike (title A, tags B, body C) and ranked by the knowledge base's
 * `ts_rank(…, 1)` (length-normalised), so an article and a question compare fairly.
 */
export async function searchCommunity(ex: Executor, brandId: string, q: string, limit: number): Promise<SearchHit[]> {
  const wanted = q.replace(/(^|\s)-\S+/g, ' ').trim() || q;
  const query = sql`websearch_to_tsquery('english', ${q})`;
  const rankQuery = sql`websearch_to_tsquery('english', ${wanted})`;
  return (await sql<SearchHit>`
    (select 'question' as kind, q.id, q.title, q.body, null as slug, q.answered_at is not null as answered, ts_rank(q.search, ${rankQuery}, 1) as rank
       from community_questions q where q.brand_id = ${brandId} and q.status = 'visible' and q.search @@ ${query}
       order by rank desc limit ${limit})
    union all
    (select 'article' as kind, a.id, a.title, a.body, a.slug, true as answered, ts_rank(a.search, ${rankQuery}, 1) as rank
       from kb_articles a where a.brand_id = ${brandId} and a.status = 'published' and a.search @@ ${query}
       order by rank desc limit ${limit})
    order by rank desc, kind desc, id limit ${limit}`.execute(ex)).rows;
}

export interface AnswerRow { id: string; member_id: string | null; author_user_id: string | null; is_staff: boolean; body: string; status: CommunityPostStatus; held_reason: string | null; score: number; created_at: Date; author_name: string }

/** A question's answers that `viewerId` may see: visible ones, and their own held ones. */
export async function listAnswers(ex: Executor, brandId: string, questionId: string, viewerId: string | null, opts: { all?: boolean } = {}): Promise<AnswerRow[]> {
  const seen = opts.all ? sql`true` : viewerId ? sql`(a.status = 'visible' or (a.status = 'held' and a.member_id = ${viewerId}::uuid))` : sql`a.status = 'visible'`;
  return (await sql<AnswerRow>`select a.id, a.member_id, a.author_user_id, a.is_staff, a.body, a.status, a.held_reason, a.score, a.created_at,
      coalesce(m.display_name, u.name, 'Staff') as author_name
    from community_answers a left join community_members m on m.id = a.member_id left join users u on u.id = a.author_user_id
    where a.brand_id = ${brandId} and a.question_id = ${questionId}::uuid and ${seen}
    order by a.created_at, a.id limit 500`.execute(ex)).rows;
}

export interface CommentRow { id: string; answer_id: string | null; member_id: string; body: string; status: CommunityPostStatus; created_at: Date; author_name: string }

export async function listComments(ex: Executor, brandId: string, questionId: string, viewerId: string | null, opts: { all?: boolean } = {}): Promise<CommentRow[]> {
  const seen = opts.all ? sql`true` : viewerId ? sql`(c.status = 'visible' or (c.status = 'held' and c.member_id = ${viewerId}::uuid))` : sql`c.status = 'visible'`;
  return (await sql<CommentRow>`select c.id, c.answer_id, c.member_id, c.body, c.status, c.created_at, m.display_name as author_name
    from community_comments c join community_members m on m.id = c.member_id
    where c.brand_id = ${brandId} and c.question_id = ${questionId}::uuid and ${seen}
    order by c.created_at, c.id limit 1000`.execute(ex)).rows;
}

export async function memberVotes(ex: Executor, brandId: string, memberId: string, targetIds: string[]): Promise<Map<string, number>> {
  if (!targetIds.length) return new Map();
  const rows = await ex.selectFrom('community_votes').select(['target_id', 'value']).where('brand_id', '=', brandId).where('member_id', '=', memberId).where('target_id', 'in', targetIds).execute();
  return new Map(rows.map((r) => [r.target_id, r.value]));
}

/** Posts by a member, and from an address, in the last hour (the posting limits). */
export async function recentPosts(ex: Executor, brandId: string, memberId: string, ip: string, since: Date): Promise<{ member: number; ip: number }> {
  const r = (await sql<{ member: string; ip: string }>`select
      (select count(*) from community_post_log where member_id = ${memberId}::uuid and brand_id = ${brandId} and created_at > ${since}) as member,
      (select count(*) from community_post_log where brand_id = ${brandId} and ip = ${ip} and created_at > ${since}) as ip`.execute(ex)).rows[0];
  return { member: Number(r?.member ?? 0), ip: Number(r?.ip ?? 0) };
}
