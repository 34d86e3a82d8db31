import type { Kysely } from 'kysely';
import type { DB } from '@earshot/db';
import {
  ANALYTICS_MAX_RANGE_DAYS, ANALYTICS_NONE, EarshotError, isEarshotError, channelGroupOf, histPercentile, type AnalyticsDimension,
} from '@earshot/domain';
import type { EventBus, DeskEvent } from '../events/event-bus';
import type { Clock } from '../shared/clock';
import type { Actor } from '../shared/actor';
import { transact } from '../shared/unit-of-work';
import { emptyMetrics, type RollupMetrics } from './conversation-facts';
import { allBrandIds, conversationPage, latestSeq, lockCursor, moveCursor } from './analytics.repository';
import { backlog, breakdown, brandTimeZone, dayStart, negativeTerms, series, totals, type Interval, type Range } from './analytics.queries';
import type { ReplicaReader} from './read-source';
import { type ReadSource } from './read-source';
import { catchUpBrand, enqueueRollups, refreshConversations } from './rollup.job';
import { exportLines, type ExportFormat, type ExportKind } from './export';

/** Told where a read went (the route puts it in a header). */
export type Note = (s: ReadSource) => void;

/** One filter of a dashboard: a rollup dimension and its key. */
export interface AnalyticsFilter { dim: AnalyticsDimension; key: string }
export interface AnalyticsRequest { from?: string | undefined; to?: string | undefined; filter?: AnalyticsFilter | undefined }

export interface DurationSummary { n: number; avg: number | null; p50: number | null; p90: number | null }
export interface MetricSummary {
  conversations: number; inbound: number; replies: number;
  sentiment: { negative: number; neutral: number; positive: number };
  public: number; movedToPrivate: number; movedToPrivateShare: number | null;
  firstResponse: DurationSummary; nextResponse: DurationSummary; resolution: DurationSummary & { resolved: number };
  sla: { firstResponse: { n: number; met: number; percentMet: number | null }; resolution: { n: number; met: number; percentMet: number | null } };
}

const duration = (n: number, sum: number, hist: number[]): DurationSummary => ({
  n, avg: n > 0 ? Math.round(sum / n) : null, p50: histPercentile(hist, 0.5), p90: histPercentile(hist, 0.9),
});
const pct = (met: number, n: number) => (n > 0 ? Math.round((1000 * met) / n) / 10 : null);

export function summarize(m: RollupMetrics): MetricSummary {
  return {
    conversations: m.conversations, inbound: m.inbound, replies: m.replies,
    sentiment: { negative: m.negative, neutral: m.neutral, positive: m.positive },
    public: m.public, movedToPrivate: m.moved_to_private, movedToPrivateShare: m.public > 0 ? Math.round((1000 * m.moved_to_private) / m.public) / 10 : null,
    firstResponse: duration(m.first_response_n, m.first_response_sum, m.first_response_hist),
    nextResponse: duration(m.next_response_n, m.next_response_sum, m.next_response_hist),
    resolution: { ...duration(m.resolved, m.resolution_sum, m.resolution_hist), resolved: m.resolved },
    sla: { firstResponse: { n: m.sla_first_n, met: m.sla_first_met, percentMet: pct(m.sla_first_met, m.sla_first_n) }, resolution: { n: m.sla_resolution_n, met: m.sla_resolution_met, percentMet: pct(m.sla_resolution_met, m.sla_resolution_n) } },
  };
}

function addMetrics(a: RollupMetrics, b: RollupMetrics): RollupMetrics {
  const out = emptyMetrics();
  for (const k of Object.keys(out) as (keyof RollupMetrics)[]) {
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y)) (out[k] as number[]) = x.map((v, i) => v + (y[i] ?? 0));
    else (out[k] as number) = (x as number) + (y as number);
  }
  return out;
}

const DAY_MS = 86_400_000;
const THROTTLE_MS = 1000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Analytics over a brand's rollups (ADR 0022): any range in the brand's time zone, one filter. */
export class AnalyticsService {
  #inFlight = new Set<string>();
  #again = new Set<string>();

  /** Rollups are written on `db`; dashboards and exports read where `reader` picks (a replica when one is configured and current). */
  constructor(private readonly db: Kysely<DB>, private readonly reader: ReplicaReader, bus: EventBus, private readonly clock: Clock, private readonly opts: { live: boolean; debounceMs: number }) {
    if (opts.live) bus.subscribe((e) => this.#onEvent(e));
  }

  /** Runs a read where the reader picks; a replica that fails mid-read is marked and the read runs again on the primary. */
  async #run<T>(note: Note | undefined, fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    const pick = await this.reader.pick();
    try {
      const out = await fn(pick.db);
      note?.(pick);
      return out;
    } catch (err) {
      if (pick.source !== 'replica' || isEarshotError(err)) throw err;
      this.reader.markFailed();
      const out = await fn(this.reader.primary);
      note?.({ source: 'primary', reason: 'replica_failed' });
      return out;
    }
  }

  async range(actor: Actor, req: AnalyticsRequest, db: Kysely<DB> = this.reader.primary): Promise<Range> {
    const tz = await brandTimeZone(db, actor.brandId);
    const now = this.clock.now();
    const resolve = async (v: string, end: boolean): Promise<Date> => {
      if (DATE_ONLY.test(v)) {
        const d = new Date(`${v}T00:00:00Z`);
        if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) throw new EarshotError('EARSHOT_ANALYTICS_RANGE', `not a date: ${v}`, { field: end ? 'query.to' : 'query.from' });
        const day = end ? new Date(d.getTime() + DAY_MS).toISOString().slice(0, 10) : v;
        return dayStart(db, day, tz);
      }
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) throw new EarshotError('EARSHOT_ANALYTICS_RANGE', `not a date or time: ${v}`, { field: end ? 'query.to' : 'query.from' });
      return d;
    };
    const to = req.to ? await resolve(req.to, true) : now;
    const from = req.from ? await resolve(req.from, false) : new Date(to.getTime() - 30 * DAY_MS);
    if (from.getTime() >= to.getTime()) throw new EarshotError('EARSHOT_ANALYTICS_RANGE', 'the range ends before it starts', { field: 'query.to' });
    if (to.getTime() - from.getTime() > ANALYTICS_MAX_RANGE_DAYS * DAY_MS) throw new EarshotError('EARSHOT_ANALYTICS_RANGE', `a range covers at most ${ANALYTICS_MAX_RANGE_DAYS} days`, { field: 'query.from' });
    return { from, to, tz };
  }

  #dimKey(req: AnalyticsRequest): [string, string] {
    return req.filter ? [req.filter.dim, req.filter.key] : ['all', ''];
  }

  async overview(actor: Actor, req: AnalyticsRequest, note?: Note): Promise<{ range: { from: string; to: string; timeZone: string }; totals: MetricSummary }> {
    return this.#run(note, async (db) => {
      const range = await this.range(actor, req, db);
      const [dim, key] = this.#dimKey(req);
      return { range: view(range), totals: summarize(await totals(db, actor.brandId, dim, key, range)) };
    });
  }

  async timeseries(actor: Actor, req: AnalyticsRequest, interval: Interval, note?: Note): Promise<{ range: ReturnType<typeof view>; interval: Interval; points: ({ bucket: string } & MetricSummary)[] }> {
    return this.#run(note, async (db) => {
      const range = await this.range(actor, req, db);
      if (interval === 'hour' && range.to.getTime() - range.from.getTime() > 31 * DAY_MS) throw new EarshotError('EARSHOT_ANALYTICS_RANGE', 'hourly points cover at most 31 days', { field: 'query.interval' });
      const [dim, key] = this.#dimKey(req);
      const rows = await series(db, actor.brandId, dim, key, range, interval);
      return { range: view(range), interval, points: rows.map((r) => ({ bucket: r.bucket, ...summarize(r.m) })) };
    });
  }

  async breakdown(actor: Actor, req: AnalyticsRequest, by: AnalyticsDimension, note?: Note): Promise<{ range: ReturnType<typeof view>; by: AnalyticsDimension; rows: ({ key: string } & MetricSummary)[] }> {
    return this.#run(note, async (db) => {
      if (req.filter) throw new EarshotError('EARSHOT_VALIDATION', 'a breakdown takes no filter: it is the filter\'s dimension split by key', { field: 'query' });
      const range = await this.range(actor, req, db);
      const rows = await breakdown(db, actor.brandId, by, range);
      return { range: view(range), by, rows: rows.map((r) => ({ key: r.key, ...summarize(r.m) })).sort((a, b) => b.conversations - a.conversations || (a.key < b.key ? -1 : 1)) };
    });
  }

  /** Channel fairness: response times by channel kind, social vs direct, public vs private, side by side. */
  async fairness(actor: Actor, req: AnalyticsRequest, note?: Note): Promise<{ range: ReturnType<typeof view>; byChannelKind: ({ key: string } & MetricSummary)[]; byGroup: ({ key: string } & MetricSummary)[]; byVisibility: ({ key: string } & MetricSummary)[] }> {
    return this.#run(note, async (db) => {
      if (req.filter) throw new EarshotError('EARSHOT_VALIDATION', 'channel fairness compares channels: it takes no filter', { field: 'query' });
      const range = await this.range(actor, req, db);
      const [kinds, vis] = await Promise.all([breakdown(db, actor.brandId, 'channel_kind', range), breakdown(db, actor.brandId, 'visibility', range)]);
      const groups = new Map<string, RollupMetrics>();
      for (const k of kinds) {
        const g = channelGroupOf(k.key);
        groups.set(g, addMetrics(groups.get(g) ?? emptyMetrics(), k.m));
      }
      return {
        range: view(range),
        byChannelKind: kinds.map((k) => ({ key: k.key, ...summarize(k.m) })),
        byGroup: ['social', 'direct'].map((g) => ({ key: g, ...summarize(groups.get(g) ?? emptyMetrics()) })),
        byVisibility: ['public', 'private'].map((v) => ({ key: v, ...summarize(vis.find((x) => x.key === v)?.m ?? emptyMetrics()) })),
      };
    });
  }

  /** Topics over the range with their change against the range of the same length just before. */
  async topics(actor: Actor, req: AnalyticsRequest, note?: Note): Promise<{ range: ReturnType<typeof view>; rows: { topic: string; conversations: number; previous: number; change: number | null; negative: number }[] }> {
    return this.#run(note, async (db) => {
      if (req.filter) throw new EarshotError('EARSHOT_VALIDATION', 'topics take no filter', { field: 'query' });
      const range = await this.range(actor, req, db);
      const prev: Range = { from: new Date(range.from.getTime() - (range.to.getTime() - range.from.getTime())), to: range.from, tz: range.tz };
      const [now, before] = await Promise.all([breakdown(db, actor.brandId, 'topic', range), breakdown(db, actor.brandId, 'topic', prev)]);
      const old = new Map(before.map((b) => [b.key, b.m.conversations]));
      const rows = now.filter((r) => r.key !== ANALYTICS_NONE && r.m.conversations > 0).map((r) => {
        const previous = old.get(r.key) ?? 0;
        return { topic: r.key, conversations: r.m.conversations, previous, change: previous > 0 ? Math.round((1000 * (r.m.conversations - previous)) / previous) / 10 : null, negative: r.m.negative };
      }).sort((a, b) => b.conversations - a.conversations || (a.topic < b.topic ? -1 : 1));
      return { range: view(range), rows };
    });
  }

  async negativeTerms(actor: Actor, req: AnalyticsRequest, limit: number, note?: Note): Promise<{ range: ReturnType<typeof view>; rows: { term: string; conversations: number }[] }> {
    return this.#run(note, async (db) => {
      if (req.filter) throw new EarshotError('EARSHOT_VALIDATION', 'negative words take no filter', { field: 'query' });
      const range = await this.range(actor, req, db);
      return { range: view(range), rows: await negativeTerms(db, actor.brandId, range, limit) };
    });
  }

  async backlog(actor: Actor, req: AnalyticsRequest, note?: Note): Promise<{ at: string; rows: { status: string; n: number; waiting: number; oldestWaitingSince: string | null; waitP50: number | null; waitP90: number | null }[] }> {
    return this.#run(note, async (db) => {
      const f = req.filter;
      if (f && !['channel', 'team', 'agent', 'visibility'].includes(f.dim)) throw new EarshotError('EARSHOT_VALIDATION', 'the backlog filters by channel, team, agent or visibility only', { field: `query.${f.dim}` });
      const now = this.clock.now();
      const rows = await backlog(db, actor.brandId, {
        channelId: f?.dim === 'channel' ? f.key : undefined, teamId: f?.dim === 'team' ? f.key : undefined,
        assigneeId: f?.dim === 'agent' ? f.key : undefined, visibility: f?.dim === 'visibility' ? (f.key as 'public' | 'private') : undefined,
      }, now);
      return { at: now.toISOString(), rows: rows.map((r) => ({ ...r, oldestWaitingSince: r.oldestWaitingSince?.toISOString() ?? null })) };
    });
  }

  /** Conversations or messages of conversations opened in the range, every filter applied, as lines (CSV or JSON lines). */
  async export(actor: Actor, req: { from?: string | undefined; to?: string | undefined; filters: AnalyticsFilter[]; format: ExportFormat; kind: ExportKind }, note?: Note): Promise<AsyncGenerator<string>> {
    return this.#run(note, async (db) => {
      const range = await this.range(actor, req, db);
      return exportLines(db, actor.brandId, { from: range.from, to: range.to, filters: req.filters, format: req.format, kind: req.kind });
    });
  }

  /** Runs the brand's catch-up now, to the end of its audit trail (tests, `earshot analytics catch-up`). */
  async catchUp(brandId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const r = await transact(this.db, (uow) => catchUpBrand(uow, brandId));
      total += r.changes;
      if (!r.more) return total;
    }
  }

  /**
   * Recomputes every conversation of a brand from its raw rows, a page at a time in its own
   * transaction (conversations_created_idx), then moves the cursor to where the audit trail was at the start
   * (`earshot analytics rebuild`, the bench, a repair). Safe while the catch-up job runs: both lock the cursor.
   */
  async rebuild(brandId: string, onPage?: (done: number) => void, pageSize = 2000): Promise<number> {
    let after: { at: Date; id: string } | null = null;
    let done = 0;
    // Changes from here on are caught up after the rebuild (recomputing a conversation twice is harmless).
    const startSeq = await latestSeq(this.db, brandId);
    for (;;) {
      const page: { id: string; created_at: Date }[] = await transact(this.db, async (uow) => {
        await lockCursor(uow.tx, brandId);
        const rows = await conversationPage(uow.tx, brandId, after, pageSize);
        await refreshConversations(uow, brandId, rows.map((r) => r.id));
        return rows;
      });
      done += page.length;
      onPage?.(done);
      const last = page[page.length - 1];
      if (!last || page.length < pageSize) break;
      after = { at: last.created_at, id: last.id };
    }
    await transact(this.db, async (uow) => {
      const cursor = await lockCursor(uow.tx, brandId);
      if (BigInt(cursor) < BigInt(startSeq)) await moveCursor(uow.tx, brandId, startSeq);
    });
    return done;
  }

  /** Enqueues a catch-up of every brand (worker start). */
  async seedAll(): Promise<number> {
    if (!this.opts.live) return 0;
    return enqueueRollups(this.db, await allBrandIds(this.db), this.opts.debounceMs);
  }

  /** Any desk event of a brand asks for its catch-up (key-deduped); a lost one is covered by the next event, the sweep or a restart. */
  #onEvent(e: DeskEvent): void {
    if (e.type.startsWith('presence.') || e.type.startsWith('webhook.')) return;
    void this.#trigger(e.brandId).catch(() => undefined);
  }

  /** At most one enqueue per brand per THROTTLE_MS: under load the events of a second share one statement (the worker's poll picks the job up when due). */
  async #trigger(brandId: string): Promise<void> {
    if (this.#inFlight.has(brandId)) { this.#again.add(brandId); return; }
    this.#inFlight.add(brandId);
    try {
      await enqueueRollups(this.db, [brandId], this.opts.debounceMs);
    } finally {
      setTimeout(() => {
        this.#inFlight.delete(brandId);
        if (this.#again.delete(brandId)) void this.#trigger(brandId).catch(() => undefined);
      }, THROTTLE_MS).unref();
    }
  }
}

function view(r: Range): { from: string; to: string; timeZone: string } {
  return { from: r.from.toISOString(), to: r.to.toISOString(), timeZone: r.tz };
}
