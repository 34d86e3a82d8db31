import { sql, type CareTasksTable, type CsatSurveysTable, type Selectable } from '@earshot/db';
import type { CareTaskView, CsatGroupBy, CsatReportRow, CsatSurveyView } from '@earshot/domain';
import type { Executor } from '../shared/unit-of-work';

export type SurveyRow = Selectable<CsatSurveysTable>;
export type TaskRow = Selectable<CareTasksTable>;

export async function findSurveyByTokenHash(ex: Executor, tokenHash: string, lock = false): Promise<SurveyRow | undefined> {
  let q = ex.selectFrom('csat_surveys').selectAll().where('token_hash', '=', tokenHash);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** A survey of this conversation whose link still works (a second resolution does not send a second link). */
export async function liveSurvey(ex: Executor, brandId: string, conversationId: string, now: Date): Promise<SurveyRow | undefined> {
  return ex.selectFrom('csat_surveys').selectAll().where('brand_id', '=', brandId).where('conversation_id', '=', conversationId)
    .where('status', '=', 'sent').where('expires_at', '>', now).orderBy('sent_at', 'desc').limit(1).executeTakeFirst();
}

export async function surveyViews(ex: Executor, brandId: string, conversationId: string): Promise<CsatSurveyView[]> {
  const rows = await ex.selectFrom('csat_surveys as s').leftJoin('users as u', 'u.id', 's.agent_id')
    .select(['s.id', 's.conversation_id', 's.status', 's.skip_reason', 's.agent_id', 'u.name as agent_name', 's.sent_at', 's.expires_at', 's.score', 's.comment', 's.reasons', 's.answered_at'])
    .where('s.brand_id', '=', brandId).where('s.conversation_id', '=', conversationId).orderBy('s.sent_at', 'desc').limit(50).execute();
  return rows.map((r) => ({
    id: r.id, conversationId: r.conversation_id, status: r.status, skipReason: r.skip_reason, agentId: r.agent_id, agentName: r.agent_name ?? null,
    sentAt: r.sent_at.toISOString(), expiresAt: r.expires_at.toISOString(), score: r.score, comment: r.comment, reasons: r.reasons, answeredAt: r.answered_at?.toISOString() ?? null,
  }));
}

export async function taskViews(ex: Executor, brandId: string, filter: { conversationId?: string; assigneeId?: string; status?: 'open' | 'done'; limit: number }): Promise<CareTaskView[]> {
  let q = ex.selectFrom('care_tasks as t').leftJoin('users as u', 'u.id', 't.assignee_id')
    .select(['t.id', 't.conversation_id', 't.kind', 't.title', 't.assignee_id', 'u.name as assignee_name', 't.team_id', 't.due_at', 't.status', 't.outcome', 't.done_at', 't.created_at'])
    .where('t.brand_id', '=', brandId);
  if (filter.conversationId) q = q.where('t.conversation_id', '=', filter.conversationId);
  if (filter.assigneeId) q = q.where('t.assignee_id', '=', filter.assigneeId);
  if (filter.status) q = q.where('t.status', '=', filter.status);
  const rows = await q.orderBy('t.due_at').orderBy('t.id').limit(filter.limit).execute();
  return rows.map((r) => ({
    id: r.id, conversationId: r.conversation_id, kind: r.kind, title: r.title, assigneeId: r.assignee_id, assigneeName: r.assignee_name ?? null, teamId: r.team_id,
    dueAt: r.due_at.toISOString(), status: r.status, outcome: r.outcome, doneAt: r.done_at?.toISOString() ?? null, createdAt: r.created_at.toISOString(),
  }));
}

const GROUP_KEY = {
  agent: sql<string | null>`s.agent_id::text`,
  team: sql<string | null>`s.team_id::text`,
  channel: sql<string | null>`s.channel_id::text`,
  visibility: sql<string | null>`s.visibility`,
} as const satisfies Record<CsatGroupBy, unknown>;

interface Agg { key: string | null; sent: string; answered: string; avg: string | null; s1: string; s2: string; s3: string; s4: string; s5: string }

/** Surveys sent in [from, to), grouped; one indexed range scan of the brand's surveys. */
export async function csatAggregates(ex: Executor, brandId: string, groupBy: CsatGroupBy, from: Date, to: Date): Promise<Omit<CsatReportRow, 'label'>[]> {
  const r = await sql<Agg>`
    select ${GROUP_KEY[groupBy]} as key, count(*) as sent, count(s.score) as answered, avg(s.score)::float8 as avg,
      count(*) filter (where s.score = 1) as s1, count(*) filter (where s.score = 2) as s2, count(*) filter (where s.score = 3) as s3,
      count(*) filter (where s.score = 4) as s4, count(*) filter (where s.score = 5) as s5
    from csat_surveys s
    where s.brand_id = ${brandId} and s.status = 'sent' and s.sent_at >= ${from} and s.sent_at < ${to}
    group by 1 order by 2 desc, 1`.execute(ex);
  return r.rows.map(toRow);
}

function toRow(a: Agg): Omit<CsatReportRow, 'label'> {
  const sent = Number(a.sent);
  const answered = Number(a.answered);
  const scores: [number, number, number, number, number] = [Number(a.s1), Number(a.s2), Number(a.s3), Number(a.s4), Number(a.s5)];
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    key: a.key, sent, answered, responseRate: sent ? round(answered / sent) : null,
    averageScore: a.avg === null ? null : round(Number(a.avg)), csat: answered ? round((scores[3] + scores[4]) / answered) : null, scores,
  };
}

/** Names for the report's keys, one query per kind. */
export async function groupLabels(ex: Executor, brandId: string, groupBy: CsatGroupBy, keys: string[]): Promise<Map<string, string>> {
  const ids = keys.filter((k) => /^[0-9a-f-]{36}$/.test(k));
  if (groupBy === 'visibility') return new Map(keys.map((k) => [k, k === 'public' ? 'Public' : 'Private']));
  if (ids.length === 0) return new Map();
  if (groupBy === 'agent') {
    const rows = await ex.selectFrom('users').innerJoin('memberships as m', 'm.user_id', 'users.id').select(['users.id', 'users.name']).where('m.brand_id', '=', brandId).where('users.id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }
  const table = groupBy === 'team' ? 'teams' : 'channels';
  const rows = await ex.selectFrom(table).select(['id', 'name']).where('brand_id', '=', brandId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
