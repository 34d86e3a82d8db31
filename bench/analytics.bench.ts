// `npm run bench -- analytics [--db postgres|pglite] [--conversations N] [--days D] [--runs N] [--json] [--keep]`
//
// Generates N conversations (1 million on PostgreSQL, 50 000 on the embedded database by default)
// with 5 messages each (customer, reply, customer, reply, customer), spread over D days (180) across
// 4 channels (X, Facebook, email, phone), 20 agents, 4 teams, 8 topics, 3 sentiments and a few tags,
// with INSERT … SELECT over generate_series on one connection. Then it builds the rollups from the
// raw rows (AnalyticsService.rebuild: the same code the catch-up job runs) and times every dashboard
// query next to two baselines measured in the same run: `select 1`, and a bare sum over the range's
// rollup rows. The target: every dashboard p95 < 500 ms at 1 M on PostgreSQL.
import { hostname } from 'node:os';
import { Core, systemActor } from '@earshot/core';
import { sql, type DbHandle } from '@earshot/db';
import { assertKnownFlags, parseArgs, numFlag } from './support/args';
import { createBenchDb, type BenchDbKind } from './support/bench-db';
import { BENCH_SECRET_KEY } from './support/seed';
import { load1, machine, percentile, round } from './support/stats';

const log = (s: string) => process.stderr.write(`${s}\n`);
const DEFAULTS = { db: 'postgres', conversations: '', days: '180', runs: '30', json: false, keep: false };

export default async function run(argv: string[]): Promise<void> {
  const a = parseArgs(argv, DEFAULTS);
  assertKnownFlags(argv, DEFAULTS, a);
  const kind = String(a.db) as BenchDbKind;
  const total = a.conversations === '' ? (kind === 'postgres' ? 1_000_000 : 50_000) : numFlag(a.conversations, 'conversations', { min: 1000, max: 20_000_000, integer: true });
  const days = numFlag(a.days, 'days', { min: 1, max: 400, integer: true });
  const runs = numFlag(a.runs, 'runs', { min: 3, max: 1000, integer: true });
  log(`analytics bench on ${hostname()}: ${machine()}`);
  log(`db=${kind} conversations=${total} messages=${total * 5} days=${days} runs=${runs} load-average-before=${load1()}`);
  const db = await createBenchDb(kind);
  let h: DbHandle | null = null;
  try {
    h = await db.open({ poolSize: 4 });
    const core = await Core.create({ handle: h, secretKey: BENCH_SECRET_KEY, analytics: { live: false } });
    const { brand } = await core.admin.ensureBrand({ slug: 'stats', name: 'Stats Co', timezone: 'Europe/Berlin' });
    const actor = systemActor(brand.id, 'bench');
    const agents: string[] = [];
    for (let i = 0; i < 20; i++) agents.push((await core.admin.upsertUser(actor, { email: `agent${i}@stats.test`, name: `Agent ${i}`, password: 'bench password 123', role: 'agent' })).id);
    const teams: string[] = [];
    for (let t = 0; t < 4; t++) teams.push((await core.admin.createTeam(actor, { name: `Team ${t}`, skills: [], memberIds: agents.filter((_, i) => i % 4 === t) })).id);
    const channels: string[] = [];
    for (const k of ['x', 'facebook', 'email', 'phone'] as const) channels.push((await core.channels.create(actor, { kind: k, name: k })).channel.id);
    // A second brand with a tenth as much, interleaved in time: every query must stay within its brand.
    const { brand: other } = await core.admin.ensureBrand({ slug: 'other', name: 'Other Co', timezone: 'UTC' });
    const otherChannel = (await core.channels.create(systemActor(other.id, 'bench'), { kind: 'x', name: 'x' })).channel.id;

    let t0 = performance.now();
    const end = new Date(Date.UTC(2026, 5, 1));
    await generate(h, brand.id, channels, agents, teams, total, days, end);
    await generate(h, other.id, [otherChannel], [], [], Math.max(1000, Math.round(total / 10)), days, end);
    const genS = (performance.now() - t0) / 1000;
    log(`generated ${total} + ${Math.round(total / 10)} conversations and their messages in ${round(genS, 0)} s`);

    t0 = performance.now();
    let lastLog = 0;
    await core.analytics.rebuild(brand.id, (n) => { if (performance.now() - lastLog > 5000) { lastLog = performance.now(); log(`  rollups: ${n} conversations`); } });
    await core.analytics.rebuild(other.id);
    const buildS = (performance.now() - t0) / 1000;
    log(`built rollups from raw rows in ${round(buildS, 0)} s (${round((total * 1.1) / buildS, 0)} conversations/s)`);
    await sql`analyze`.execute(h.db);
    const rollupRows = Number((await sql<{ n: string }>`select count(*) as n from analytics_hourly`.execute(h.db)).rows[0]?.n);
    log(`analytics_hourly rows: ${rollupRows}`);

    const fmt = (d: Date) => d.toISOString().slice(0, 10);
    const full = { from: fmt(new Date(end.getTime() - days * 86_400_000)), to: fmt(new Date(end.getTime() - 86_400_000)) };
    const month = { from: fmt(new Date(end.getTime() - 30 * 86_400_000)), to: full.to };
    const week = { from: fmt(new Date(end.getTime() - 7 * 86_400_000)), to: full.to };
    const s = core.analytics;
    const fullRange = await s.range(actor, full);
    const queries: [string, () => Promise<unknown>][] = [
      ['baseline: select 1', () => sql`select 1`.execute(h?.db ?? core.db)],
      [`baseline: bare sum over ${days} days of rollup rows (dim all)`, () => sql`select sum(conversations), sum(first_response_n) from analytics_hourly where brand_id = ${brand.id} and dim = 'all' and key = '' and hour >= ${fullRange.from} and hour < ${fullRange.to}`.execute(core.db)],
      ['overview, 30 days', () => s.overview(actor, month)],
      [`overview, ${days} days`, () => s.overview(actor, full)],
      [`overview, ${days} days, one agent`, () => s.overview(actor, { ...full, filter: { dim: 'agent', key: agents[3] ?? '' } })],
      [`overview, ${days} days, topic billing`, () => s.overview(actor, { ...full, filter: { dim: 'topic', key: 'billing' } })],
      [`timeseries by day, ${days} days`, () => s.timeseries(actor, full, 'day')],
      ['timeseries by hour, 7 days', () => s.timeseries(actor, week, 'hour')],
      [`timeseries by week, ${days} days, channel email`, () => s.timeseries(actor, { ...full, filter: { dim: 'channel_kind', key: 'email' } }, 'week')],
      [`breakdown by agent, ${days} days`, () => s.breakdown(actor, full, 'agent')],
      [`breakdown by team, ${days} days`, () => s.breakdown(actor, full, 'team')],
      [`fairness, ${days} days`, () => s.fairness(actor, full)],
      [`topics with change, ${days} days`, () => s.topics(actor, full)],
      [`negative words, ${days} days`, () => s.negativeTerms(actor, full, 30)],
      ['backlog now', () => s.backlog(actor, {})],
    ];
    const results: { name: string; p50: number; p95: number }[] = [];
    for (const [name, fn] of queries) {
      const times: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        const t = performance.now();
        await fn();
        if (i >= 2) times.push(performance.now() - t);
      }
      const r = { name, p50: percentile(times, 50), p95: percentile(times, 95) };
      results.push(r);
      log(`${name.padEnd(52)} p50 ${String(round(r.p50)).padStart(8)} ms  p95 ${String(round(r.p95)).padStart(8)} ms`);
    }
    const worst = Math.max(...results.filter((r) => !r.name.startsWith('baseline')).map((r) => r.p95));
    log(`slowest dashboard p95: ${round(worst)} ms (target < 500 ms at 1 M on PostgreSQL)  load-average-after=${load1()}`);
    if (a.json === true) process.stdout.write(`${JSON.stringify({ bench: 'analytics', db: kind, conversations: total, messages: total * 5, days, generate_s: round(genS, 0), rollup_build_s: round(buildS, 0), rollup_rows: rollupRows, queries: results.map((r) => ({ name: r.name, p50_ms: round(r.p50), p95_ms: round(r.p95) })) })}\n`);
    await core.bus.close();
  } finally {
    await h?.close();
    if (a.keep !== true) await db.drop();
    else log(`kept database: ${db.url ?? `${db.home}/db`}`);
  }
}

/**
 * Set-based generation on one connection with foreign-key triggers off (session_replication_role,
 * as a restore does; every id referenced exists by construction). Ids are md5-derived so messages
 * can name their conversation without a lookup.
 */
async function generate(h: DbHandle, brandId: string, channels: string[], agents: string[], teams: string[], n: number, days: number, end: Date): Promise<void> {
  const span = days * 86_400;
  const startS = Math.floor(end.getTime() / 1000) - span;
  const chunk = 100_000;
  await h.db.connection().execute(async (cx) => {
    if (h.kind === 'postgres') await sql`set session_replication_role = replica`.execute(cx);
    for (let lo = 0; lo < n; lo += chunk) {
      const hi = Math.min(n, lo + chunk) - 1;
      const p = sql.lit(brandId.slice(0, 8));
      await sql`insert into contacts (id, brand_id, name) select md5(${p} || 'p' || i)::uuid, ${brandId}, 'Customer ' || i from generate_series(${lo}::int, ${hi}::int) i`.execute(cx);
      await sql`
        insert into conversations (id, brand_id, contact_id, channel_id, status, team_id, assignee_id, is_public, tags, triage, created_at, updated_at,
          last_activity_at, first_reply_at, resolved_at, waiting_since, message_count, sla_first_response_due_at, sla_first_response_breached, sla_resolution_due_at, sla_resolution_breached)
        select md5(${p} || 'c' || i)::uuid, ${brandId}, md5(${p} || 'p' || i)::uuid, (${channels}::uuid[])[1 + i % ${channels.length}],
          case when i % 10 < 8 then 'resolved' when i % 10 = 8 then 'open' else 'pending' end,
          ${teams.length ? sql`(${teams}::uuid[])[1 + i % ${teams.length}]` : sql`null::uuid`}, ${agents.length ? sql`(${agents}::uuid[])[1 + (i / 7) % ${agents.length}]` : sql`null::uuid`},
          i % 3 <> 0, case when i % 7 = 0 then array['refund'] when i % 11 = 0 then array['vip', 'press'] else '{}' end,
          jsonb_build_object('sentiment', jsonb_build_object('value', (array['negative', 'neutral', 'positive'])[1 + i % 3]), 'topic', jsonb_build_object('value', (array['billing', 'delivery', 'login', 'refund', 'seat', 'baggage', 'app', 'other'])[1 + i % 8])),
          t, t, t + interval '3 hours', t + ((i % 240) + 1) * interval '1 minute', case when i % 10 < 8 then t + ((i % 72) + 1) * interval '1 hour' end,
          case when i % 10 = 8 then t + interval '2 hours' end, 5, t + interval '1 hour', (i % 240) >= 60, t + interval '1 day', (i % 72) >= 24
        from generate_series(${lo}::int, ${hi}::int) i, lateral (select to_timestamp(${startS} + ((i::bigint * 7919) % ${span})) as t) x`.execute(cx);
      await sql`
        insert into messages (brand_id, conversation_id, channel_id, direction, visibility, kind, text, triage, sent_at, created_at)
        select ${brandId}, md5(${p} || 'c' || i)::uuid, (${channels}::uuid[])[1 + i % ${channels.length}],
          case when k % 2 = 0 then 'inbound' else 'outbound' end, case when i % 3 <> 0 and k < 2 then 'public' else 'private' end, 'message',
          case when k % 2 = 1 then 'Sorry about that, we are on it.' else (array['my refund is late again', 'the app is broken after the update', 'where is my baggage', 'thanks for the quick help', 'seat change failed twice'])[1 + (i + k) % 5] end,
          case when k % 2 = 0 then jsonb_build_object('sentiment', jsonb_build_object('value', (array['negative', 'neutral', 'positive'])[1 + (i + k) % 3])) end,
          t + (k * ((i % 240) + 1)) * interval '1 minute', t + (k * ((i % 240) + 1)) * interval '1 minute'
        from generate_series(${lo}::int, ${hi}::int) i, generate_series(0, 4) k, lateral (select to_timestamp(${startS} + ((i::bigint * 7919) % ${span})) as t) x`.execute(cx);
      log(`  generated ${hi + 1} / ${n}`);
    }
    if (h.kind === 'postgres') await sql`set session_replication_role = origin`.execute(cx);
  });
}
