import { sql } from '@earshot/db';
import { ANALYTICS_HIST_LEN } from '@earshot/domain';
import type { Executor } from '../shared/unit-of-work';
import { COUNTER_COLUMNS, HIST_COLUMNS, emptyMetrics, type RollupMetrics } from './conversation-facts';

// Read side of the analytics (ADR 0022): dashboards read the hourly rollups (primary key
// brand_id, dim, key, hour), never raw messages. Sums of histogram buckets are plain sum()s, one per
// bucket, so a year of hours aggregates with the database's native aggregates.

export type Interval = 'hour' | 'day' | 'week' | 'month';

const SUMS = sql.raw([
  ...COUNTER_COLUMNS.map((c) => `sum(${c})::bigint as ${c}`),
  ...HIST_COLUMNS.flatMap((c) => Array.from({ length: ANALYTICS_HIST_LEN }, (_, i) => `coalesce(sum(${c}[${i + 1}]), 0)::bigint as ${c}_${i}`)),
].join(', '));

type SumRow = Record<string, string | number | Date | null>;

function metricsOf(r: SumRow): RollupMetrics {
  const m = emptyMetrics();
  for (const c of COUNTER_COLUMNS) m[c] = Number(r[c] ?? 0);
  for (const c of HIST_COLUMNS) for (let i = 0; i < ANALYTICS_HIST_LEN; i++) m[c][i] = Number(r[`${c}_${i}`] ?? 0);
  return m;
}

export interface Range { from: Date; to: Date; tz: string }

/** The instant a brand-local day starts (`YYYY-MM-DD` in the zone). */
export async function dayStart(ex: Executor, day: string, tz: string): Promise<Date> {
  const r = await sql<{ t: Date | string }>`select (${day}::date)::timestamp at time zone ${tz} as t`.execute(ex);
  const row = r.rows[0];
  if (!row) throw new Error('no day');
  return new Date(row.t);
}

export async function brandTimeZone(ex: Executor, brandId: string): Promise<string> {
  const r = await sql<{ timezone: string }>`select timezone from brands where id = ${brandId}`.execute(ex);
  return r.rows[0]?.timezone ?? 'UTC';
}

/** Totals of one dimension key over the range. */
export async function totals(ex: Executor, brandId: string, dim: string, key: string, range: Range): Promise<RollupMetrics> {
  const r = await sql<SumRow>`select ${SUMS} from analytics_hourly
    where brand_id = ${brandId} and dim = ${dim} and key = ${key} and hour >= ${range.from} and hour < ${range.to}`.execute(ex);
  return r.rows[0] ? metricsOf(r.rows[0]) : emptyMetrics();
}

/** Per brand-local interval over the range. */
export async function series(ex: Executor, brandId: string, dim: string, key: string, range: Range, interval: Interval): Promise<{ bucket: string; m: RollupMetrics }[]> {
  const r = await sql<SumRow & { bucket: string }>`
    select to_char(date_trunc(${interval}, hour at time zone ${range.tz}), 'YYYY-MM-DD"T"HH24:MI:SS') as bucket, ${SUMS}
    from analytics_hourly
    where brand_id = ${brandId} and dim = ${dim} and key = ${key} and hour >= ${range.from} and hour < ${range.to}
    group by 1 order by 1`.execute(ex);
  return r.rows.map((row) => ({ bucket: row.bucket, m: metricsOf(row) }));
}

/** Per key of one dimension over the range. */
export async function breakdown(ex: Executor, brandId: string, dim: string, range: Range): Promise<{ key: string; m: RollupMetrics }[]> {
  const r = await sql<SumRow & { key: string }>`
    select key, ${SUMS} from analytics_hourly
    where brand_id = ${brandId} and dim = ${dim} and hour >= ${range.from} and hour < ${range.to}
    group by key order by key`.execute(ex);
  return r.rows.map((row) => ({ key: row.key, m: metricsOf(row) }));
}

/** Words of negative messages: conversations that used each, over the range, most first. */
export async function negativeTerms(ex: Executor, brandId: string, range: Range, limit: number): Promise<{ term: string; conversations: number }[]> {
  const r = await sql<{ term: string; conversations: string }>`
    select term, sum(conversations)::bigint as conversations from analytics_terms
    where brand_id = ${brandId} and hour >= ${range.from} and hour < ${range.to}
    group by term having sum(conversations) > 0 order by 2 desc, 1 limit ${limit}`.execute(ex);
  return r.rows.map((x) => ({ term: x.term, conversations: Number(x.conversations) }));
}

export interface BacklogFilter { channelId?: string | undefined; teamId?: string | undefined; assigneeId?: string | undefined; visibility?: 'public' | 'private' | undefined }

/**
 * Live backlog: conversations not resolved, by status, and how long the waiting ones have waited.
 * Reads only unresolved conversations (conversations_inbox_idx), not the brand's history.
 */
export async function backlog(ex: Executor, brandId: string, f: BacklogFilter, now: Date): Promise<{ status: string; n: number; waiting: number; oldestWaitingSince: Date | null; waitP50: number | null; waitP90: number | null }[]> {
  const where = [sql`brand_id = ${brandId}`, sql`status in ('open', 'pending', 'snoozed')`];
  if (f.channelId) where.push(sql`channel_id = ${f.channelId}`);
  if (f.teamId) where.push(f.teamId === 'none' ? sql`team_id is null` : sql`team_id = ${f.teamId}`);
  if (f.assigneeId) where.push(f.assigneeId === 'none' ? sql`assignee_id is null` : sql`assignee_id = ${f.assigneeId}`);
  if (f.visibility) where.push(sql`is_public = ${f.visibility === 'public'}`);
  const r = await sql<{ status: string; n: string; waiting: string; oldest: Date | string | null; p50: number | null; p90: number | null }>`
    select status, count(*) as n, count(waiting_since) as waiting, min(waiting_since) as oldest,
      percentile_cont(0.5) within group (order by extract(epoch from (${now}::timestamptz - waiting_since))) as p50,
      percentile_cont(0.9) within group (order by extract(epoch from (${now}::timestamptz - waiting_since))) as p90
    from conversations where ${sql.join(where, sql` and `)} group by status order by status`.execute(ex);
  return r.rows.map((x) => ({
    status: x.status, n: Number(x.n), waiting: Number(x.waiting), oldestWaitingSince: x.oldest === null ? null : new Date(x.oldest),
    waitP50: x.p50 === null ? null : Math.round(Number(x.p50)), waitP90: x.p90 === null ? null : Math.round(Number(x.p90)),
  }));
}
