// `npm run bench -- inbox [--db postgres|pglite] [--conversations N] [--runs N] [--keep] [--url URL] [--plans FILE] [--only TEXT] [--json]`
//
// Generates N conversations (1 million by default) for one brand — contacts with identities, one
// inbound message each (real customer texts; public, or 1 in 3 a DM; private on email) and an
// agent reply on a quarter, teams, assignees,
// tags, triage labels, SLA deadlines — plus a tenth as many for a second brand, with set-based
// INSERT … SELECT over generate_series on one connection (secondary indexes are built after the
// load, as a restore does). Then it times the inbox's list / filter / sort / search queries
// through listConversations, next to baselines in the same run, and prints each one's
// EXPLAIN (ANALYZE, BUFFERS) summary (full plans with --plans FILE). Every page is checked to
// hold only the brand's conversations.
import { rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Core, systemActor } from '@earshot/core';
import { listConversations, type ListFilters } from '../packages/core/src/conversations/conversation.query';
import { migrate, openDatabase, sql, type DB, type DbHandle, type Kysely } from '@earshot/db';
import { loadSampleTexts } from '../packages/core/src/channels/index';
import { num, parseArgs } from './support/args';
import { createBenchDb, type BenchDbKind } from './support/bench-db';
import { BENCH_SECRET_KEY } from './support/seed';
import { load1, machine, percentile, round } from './support/stats';

type Db = Kysely<DB>;
const log = (s: string) => process.stderr.write(`${s}\n`);
/** Progress on one line in a terminal, a line each in a log file. */
const status = (s: string) => process.stderr.write(process.stderr.isTTY ? `\r${s.padEnd(100)}` : `${s}\n`);

interface BrandData { brandId: string; prefix: string; channels: string[]; publicKinds: boolean[]; agents: string[]; teams: string[]; n: number }

export default async function run(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { db: 'postgres', conversations: '1000000', runs: '30', json: false, keep: false, plans: '', only: '' });
  const kind = String(a.db) as BenchDbKind;
  const total = Math.max(1000, num(a.conversations, 1_000_000));
  const runs = Math.max(3, num(a.runs, 30));
  const opts = { runs, json: a.json === true, kind, plans: typeof a.plans === 'string' ? a.plans : '', only: typeof a.only === 'string' ? a.only : '' };
  log(`inbox bench on ${hostname()}: ${machine()}`);

  // --url: time the queries again on a database an earlier `--keep` run generated (before/after a migration).
  const reuse = typeof a.url === 'string' ? a.url : null;
  const db = reuse
    ? { url: reuse, home: '', open: () => openDatabase(reuse.startsWith('postgres') ? { url: reuse, poolSize: 2 } : { dataDir: reuse }), drop: async () => undefined }
    : await createBenchDb(kind);
  let h: DbHandle | null = null;
  try {
    h = await db.open({ poolSize: 2 });
    if (reuse) {
      const t0 = performance.now();
      await migrate(h);
      log(`migrated in ${round((performance.now() - t0) / 1000)} s`);
      await sql`vacuum analyze`.execute(h.db);
      const brand = await h.db.selectFrom('brands').select('id').where('slug', '=', 'inbox').executeTakeFirstOrThrow();
      const me = await h.db.selectFrom('users').select('id').where('email', '=', 'agent0@inbox.test').executeTakeFirstOrThrow();
      const agent5 = await h.db.selectFrom('users').select('id').where('email', '=', 'agent5@inbox.test').executeTakeFirstOrThrow();
      const n = Number((await h.db.selectFrom('conversations').select((e) => e.fn.countAll<string>().as('n')).where('brand_id', '=', brand.id).executeTakeFirstOrThrow()).n);
      log(`db=${h.kind} conversations=${n} (reused) runs=${runs} load-average-before=${load1()}`);
      await timeQueries(h, brand.id, me.id, agent5.id, { ...opts, total: n, genS: 0 });
      return;
    }
    log(`db=${kind} conversations=${total} runs=${runs} load-average-before=${load1()}`);
    const core = await Core.create({ handle: h, secretKey: BENCH_SECRET_KEY });
    const seed = async (slug: string, name: string, nAgents: number, kinds: readonly ('x' | 'facebook' | 'api' | 'email')[], n: number, prefix: string): Promise<BrandData> => {
      const { brand } = await core.admin.ensureBrand({ slug, name, timezone: 'Europe/Berlin' });
      const actor = systemActor(brand.id, 'bench');
      const agents: string[] = [];
      for (let i = 0; i < nAgents; i++) agents.push((await core.admin.upsertUser(actor, { email: `agent${i}@${slug}.test`, name: `Agent ${i}`, password: 'bench password 123', role: 'agent' })).id);
      const channels: string[] = [];
      for (const k of kinds) channels.push((await core.channels.create(actor, { kind: k, name: k })).channel.id);
      // agent0 is in the first team only, so "my teams" is a quarter of the queue.
      const teams: string[] = [];
      for (let t = 0; t < (nAgents ? 4 : 0); t++) teams.push((await core.admin.createTeam(actor, { name: `Team ${t}`, skills: [], memberIds: agents.filter((_, i) => i % 4 === t) })).id);
      return { brandId: brand.id, prefix, channels, publicKinds: kinds.map((k) => k !== 'email'), agents, teams, n };
    };
    const main = await seed('inbox', 'Inbox Co', 20, ['x', 'facebook', 'api', 'email'], total, 'a');
    // A second brand whose rows interleave in time with the first: every query must stay within its own brand.
    const other = await seed('other', 'Other Co', 2, ['x'], Math.max(1000, Math.round(total / 10)), 'b');
    await core.bus.close();

    const texts = (await loadSampleTexts()).map((s) => s.text).slice(0, 20_000);
    const t0 = performance.now();
    await generate(h, kind, [main, other], texts);
    const genS = (performance.now() - t0) / 1000;
    log(`generated ${total + other.n} conversations (+ contacts, identities, messages, indexes) in ${round(genS, 0)} s (${round((total + other.n) / genS, 0)} conversations/s)`);
    await timeQueries(h, main.brandId, main.agents[0] ?? null, main.agents[5] ?? null, { ...opts, total, genS });
  } finally {
    await h?.close();
    if (a.keep !== true) await db.drop();
    else {
      // A kept server database needs no local folder; a kept embedded one lives in it.
      if (db.url && db.home) rmSync(db.home, { recursive: true, force: true });
      log(`kept database: ${db.url ?? `${db.home}/db`}  (re-time with --url ${db.url ?? `${db.home}/db`})`);
    }
  }
}

interface Opts { runs: number; json: boolean; kind: string; plans: string; only: string; total: number; genS: number }

async function timeQueries(h: DbHandle, brandId: string, me: string | null, agent5: string | null, o: Opts): Promise<void> {
  const first = await listConversations(h.db, brandId, me, {});
  const firstDue = await listConversations(h.db, brandId, me, { sort: 'sla_due' });
  const ALL = ['open', 'pending', 'snoozed', 'resolved'] as ListFilters['status'];
  const firstAllDue = await listConversations(h.db, brandId, me, { sort: 'sla_due', status: ALL });
  const queries: [string, ListFilters][] = [
    ['default list (open+pending, recent)', {}],
    ['page 2 via cursor (recent)', { cursor: first.nextCursor ?? undefined }],
    ['view mine', { view: 'mine' }],
    ['view unassigned', { view: 'unassigned' }],
    ['view my teams', { view: 'my_teams' }],
    ['view needs response', { view: 'needs_response' }],
    ['view mentions needing response', { view: 'mentions_needing_response' }],
    ['mentions needing response, sort waiting', { view: 'mentions_needing_response', sort: 'waiting' }],
    ['mentions needing response, sort sla_due', { view: 'mentions_needing_response', sort: 'sla_due' }],
    ['mentions needing response, sort priority', { view: 'mentions_needing_response', sort: 'priority' }],
    ['view breaching soon (sort sla_due)', { view: 'all', sort: 'sla_due' }],
    ['page 2 via cursor (sla_due)', { sort: 'sla_due', cursor: firstDue.nextCursor ?? undefined }],
    ['sort waiting', { sort: 'waiting' }],
    ['sort priority', { sort: 'priority' }],
    ['filter status resolved', { status: ['resolved'] }],
    ['filter status snoozed', { status: ['snoozed'] }],
    ['filter priority urgent', { priority: ['urgent'] }],
    ['filter sentiment negative', { sentiment: 'negative' }],
    ['filter channel kind x', { channelKind: 'x' }],
    ['filter assignee (one agent)', { assigneeId: agent5 ?? undefined }],
    ['filter tag refund (1 in 7)', { tag: 'refund' }],
    ['filter tag legal (1 in 997)', { tag: 'legal' }],
    ['filter language de (1 in 53)', { language: 'de' }],
    ['mine + sort sla_due', { view: 'mine', sort: 'sla_due' }],
    ['search rare word "mississippi"', { q: 'mississippi' }],
    ['search word with no match', { q: 'xylophone' }],
    ['search common word "flight"', { q: 'flight' }],
    ['search "flight delayed"', { q: 'flight delayed' }],
    ['search "flight", open+pending', { q: 'flight', status: ['open', 'pending'] }],
    ['search "flight", sort sla_due', { q: 'flight', sort: 'sla_due' }],
    ['search "flight", sort waiting', { q: 'flight', sort: 'waiting' }],
    ['search "flight", sort priority', { q: 'flight', sort: 'priority' }],
    ['search rare word, sort sla_due', { q: 'mississippi', sort: 'sla_due' }],
    ['every status, sort sla_due', { status: ALL, sort: 'sla_due' }],
    ['every status, page 2 (sla_due)', { status: ALL, sort: 'sla_due', cursor: firstAllDue.nextCursor ?? undefined }],
    ['every status, sort waiting', { status: ALL, sort: 'waiting' }],
    ['every status, sort priority', { status: ALL, sort: 'priority' }],
  ];
  type Result = { name: string; p50: number; p99: number; rows: number; plan: string };
  const results: Result[] = [];
  const timeIt = async (name: string, fn: () => Promise<number>, plan: () => Promise<string>) => {
    if (o.only && !name.includes(o.only) && !name.startsWith('baseline')) return;
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < o.runs + 3; i++) {
      const s = performance.now();
      rows = await fn();
      if (i >= 3) times.push(performance.now() - s);
    }
    const p = await plan();
    const r = { name, p50: percentile(times, 50), p99: percentile(times, 99), rows, plan: p };
    results.push(r);
    log(`${name.padEnd(38)} p50 ${String(round(r.p50)).padStart(7)} ms  p99 ${String(round(r.p99)).padStart(7)} ms  rows ${String(rows).padStart(2)} | ${p.split('\n')[0] ?? ''}`);
  };
  const fullPlans: string[] = [];

  // Baselines: a round trip, and one page read straight from an index with a bare SELECT.
  await timeIt('baseline: select 1', async () => (await sql`select 1`.execute(h.db)).rows.length, async () => '');
  const bare = sql`select * from conversations where brand_id = ${brandId} and status in ('open', 'pending') order by last_activity_at desc, id desc limit 50`;
  await timeIt('baseline: bare select … order by … limit 50', async () => (await bare.execute(h.db)).rows.length, async () => explainSql(h, bare.compile(h.db), fullPlans, 'baseline'));

  for (const [name, f] of queries) {
    await timeIt(name, async () => {
      const page = await listConversations(h.db, brandId, me, f);
      await assertBrand(h.db, brandId, page.items.map((c) => c.id), name);
      return page.items.length;
    }, async () => explain(h, brandId, me, f, fullPlans, name));
  }
  if (o.plans) { writeFileSync(o.plans, fullPlans.join('\n\n')); log(`plans written to ${o.plans}`); }
  log(`load-average-after=${load1()}`);
  if (o.json) process.stdout.write(`${JSON.stringify({ db: o.kind, conversations: o.total, generate_s: round(o.genS, 0), queries: results.map((r) => ({ name: r.name, p50_ms: round(r.p50), p99_ms: round(r.p99), rows: r.rows })) })}\n`);
}

async function assertBrand(db: Db, brandId: string, ids: string[], name: string): Promise<void> {
  if (!ids.length) return;
  const r = await sql<{ n: string }>`select count(*) as n from conversations where id = any(${ids}::uuid[]) and brand_id <> ${brandId}`.execute(db);
  if (Number(r.rows[0]?.n ?? 0) > 0) throw new Error(`${name}: the page holds another brand's conversations`);
}

/**
 * Set-based generation on one connection: the texts as a temporary table, then INSERT … SELECT
 * over generate_series in chunks. Secondary indexes are dropped first and built once at the end,
 * and foreign-key triggers are off for the load (session_replication_role), as a restore does;
 * the ids referenced all exist by construction.
 */
async function generate(h: DbHandle, kind: string, brands: BrandData[], texts: string[]): Promise<void> {
  await h.db.connection().execute(async (cx) => {
    await sql`create temporary table bench_texts (i int primary key, t text not null)`.execute(cx);
    for (let i = 0; i < texts.length; i += 2000) {
      const chunk = texts.slice(i, i + 2000);
      await sql`insert into bench_texts (i, t) select * from unnest(${chunk.map((_, k) => i + k)}::int[], ${chunk}::text[])`.execute(cx);
    }
    const tables = ['contacts', 'contact_identities', 'conversations', 'messages'];
    const indexes = (await sql<{ name: string; def: string }>`
      select i.indexname as name, i.indexdef as def from pg_indexes i
      where i.schemaname = 'public' and i.tablename = any(${tables}::text[])
        and not exists (select 1 from pg_constraint c where c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`.execute(cx)).rows;
    for (const ix of indexes) await sql`drop index ${sql.id(ix.name)}`.execute(cx);
    await sql`set session_replication_role = replica`.execute(cx);

    const nTexts = texts.length;
    const chunk = 100_000;
    const t0 = performance.now();
    let done = 0;
    const all = brands.reduce((s, b) => s + b.n, 0);
    const progress = (what: string) => {
      const s = (performance.now() - t0) / 1000;
      status(`  ${what}: ${done.toLocaleString('en')} / ${all.toLocaleString('en')} conversations, ${round(s, 0)} s, ${round(done / Math.max(s, 0.001), 0)}/s`);
    };
    for (const b of brands) {
      const contacts = Math.ceil(b.n / 3);
      for (let start = 0; start < contacts; start += chunk) {
        const end = Math.min(contacts, start + chunk) - 1;
        await sql`insert into contacts (id, brand_id, name, vip, created_at)
          select md5(${b.prefix} || 'c' || g)::uuid, ${b.brandId}::uuid, 'Customer ' || g, g % 101 = 0, now() - (g % 10000) * interval '1 minute'
          from generate_series(${start}::int, ${end}::int) g`.execute(cx);
        await sql`insert into contact_identities (brand_id, contact_id, channel_kind, external_id, handle, followers)
          select ${b.brandId}::uuid, md5(${b.prefix} || 'c' || g)::uuid, (array['x','facebook','api','email'])[1 + g % 4], ${b.prefix} || '-ext-' || g, '@cust' || g, (g * 37) % 50000
          from generate_series(${start}::int, ${end}::int) g`.execute(cx);
      }
      for (let start = 0; start < b.n; start += chunk) {
        const end = Math.min(b.n, start + chunk) - 1;
        await insertConversations(cx, b, start, end, contacts, nTexts);
        done += end - start + 1;
        progress(b.prefix === 'a' ? 'main brand' : 'second brand');
      }
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    await sql`set session_replication_role = origin`.execute(cx);
    await sql`set maintenance_work_mem = ${sql.raw(kind === 'pglite' ? "'128MB'" : "'512MB'")}`.execute(cx);
    for (const ix of indexes) {
      const s = performance.now();
      await sql.raw(ix.def).execute(cx);
      status(`  index ${ix.name} (${round((performance.now() - s) / 1000)} s)`);
    }
    log(`${process.stderr.isTTY ? '\n' : ''}  ${indexes.length} secondary indexes built; vacuum analyze…`);
    await sql`reset maintenance_work_mem`.execute(cx);
  });
  await sql`vacuum analyze`.execute(h.db);
}

/**
 * Conversations g in [start, end] of one brand with their messages. 70% resolved history; the
 * working set (open, pending) is recent. SLA columns are what the SLA service stores: open ones
 * have a first-response (or next-response) and a resolution deadline, some already breached;
 * pending ones are paused (no deadline) unless breached; 1 in 13 has no policy (no deadline).
 */
async function insertConversations(cx: Db, b: BrandData, start: number, end: number, contacts: number, nTexts: number): Promise<void> {
  const agents = b.agents.length ? b.agents : [null];
  const teams = b.teams.length ? b.teams : [null];
  await sql`insert into conversations (id, brand_id, contact_id, channel_id, status, priority, team_id, assignee_id, subject, preview, tags, needs_response, last_inbound_public, triage,
      first_reply_at, waiting_since, last_activity_at, last_inbound_at, resolved_at, message_count, created_at,
      sla_policy, sla_state, sla_first_response_due_at, sla_next_response_due_at, sla_resolution_due_at, sla_next_evaluation_at, sla_first_response_breached)
    select s.id, s.brand_id, s.contact_id, s.channel_id, s.status, s.priority, s.team_id, s.assignee_id, '', s.preview, s.tags, s.needs_response, s.last_inbound_public, s.triage,
      s.first_reply_at, case when s.status = 'open' then s.last_activity_at end, s.last_activity_at, s.last_activity_at, case when s.status = 'resolved' then s.last_activity_at end,
      case when s.first_reply_at is null then 1 else 2 end, s.created_at,
      case when s.no_policy then null else 'default' end,
      case when s.no_policy then null when s.status = 'resolved' then 'met' when s.due < now() then 'breached' when s.status = 'pending' then 'paused'
        when s.due < now() + interval '1 hour' then 'warning' else 'ok' end,
      case when s.due is not null and s.first_reply_at is null then s.due end,
      case when s.due is not null and s.first_reply_at is not null then s.due end,
      case when s.due is not null and s.status <> 'pending' then s.created_at + interval '3 days' end,
      case when s.due > now() then s.due end,
      s.due is not null and s.due < now() and s.first_reply_at is null
    from (
      select x.*,
        -- the running deadline: -4 h … +24 h around now for open and snoozed, a breached one for 1 in 17 pending
        case when x.no_policy or x.status = 'resolved' then null
          when x.status = 'pending' then case when x.g % 17 = 0 then now() - (x.g % 7200) * interval '1 second' end
          else now() + (((x.g::bigint * 104729) % 100800) - 14400) * interval '1 second' end as due
      from (
        select g, md5(${b.prefix} || 'v' || g)::uuid as id, ${b.brandId}::uuid as brand_id, md5(${b.prefix} || 'c' || (g % ${contacts}))::uuid as contact_id,
          (${b.channels}::uuid[])[1 + g % ${b.channels.length}] as channel_id,
          -- public posts and comments, 1 in 3 a DM (g / 7: independent of the status and labels); email is private
          (${b.publicKinds}::boolean[])[1 + g % ${b.channels.length}] and (g / 7) % 3 <> 0 as last_inbound_public,
          (array['resolved','resolved','resolved','resolved','resolved','resolved','open','pending','snoozed','resolved'])[1 + g % 10] as status,
          (array['normal','normal','normal','low','high','urgent'])[1 + (g / 2) % 6] as priority,
          (${teams}::uuid[])[1 + (g / 7) % ${teams.length}] as team_id,
          -- labels vary with g / 10 or a modulus prime to 10, so they are independent of the status (g % 10)
          case when g % 3 = 0 then (${agents}::uuid[])[1 + (g / 10) % ${agents.length}] end as assignee_id,
          left(t.t, 140) as preview,
          case when g % 997 = 0 then array['legal'] when g % 7 = 0 then array['refund'] when g % 11 = 0 then array['vip', 'delay'] else '{}'::text[] end as tags,
          (g / 10) % 2 = 0 as needs_response,
          jsonb_build_object('sentiment', jsonb_build_object('value', (array['negative','neutral','positive'])[1 + (g / 5) % 3]),
            'topic', jsonb_build_object('value', (array['billing','delay','baggage','account','refund','other'])[1 + (g / 11) % 6]),
            'language', jsonb_build_object('value', case when g % 53 = 0 then 'de' else 'en' end)) as triage,
          case when g % 10 in (6, 7, 8) then now() - ((g::bigint * 7919) % 259200) * interval '1 second'
            else now() - interval '3 days' - ((g::bigint * 7919) % 31536000) * interval '1 second' end as last_activity_at,
          g % 13 = 0 as no_policy
        from generate_series(${start}::int, ${end}::int) g join bench_texts t on t.i = g % ${nTexts}
      ) x0 cross join lateral (select x0.*, x0.last_activity_at - ((x0.g * 31) % 86400) * interval '1 second' as created_at,
        case when (x0.g / 10) % 4 = 1 then x0.last_activity_at - ((x0.g * 31) % 86400) * interval '1 second' + interval '10 minutes' end as first_reply_at) x
    ) s`.execute(cx);
  await sql`insert into messages (brand_id, conversation_id, channel_id, direction, visibility, kind, text, provider_message_id, sent_at, created_at)
    select c.brand_id, c.id, c.channel_id, 'inbound', case when c.last_inbound_public then 'public' else 'private' end, 'message', t.t, ${b.prefix} || '-pm-' || g, c.created_at, c.created_at
    from generate_series(${start}::int, ${end}::int) g join bench_texts t on t.i = g % ${nTexts}
    join conversations c on c.id = md5(${b.prefix} || 'v' || g)::uuid`.execute(cx);
  await sql`insert into messages (brand_id, conversation_id, channel_id, direction, visibility, kind, text, author_user_id, sent_at, created_at)
    select c.brand_id, c.id, c.channel_id, 'outbound', case when c.last_inbound_public then 'public' else 'private' end, 'message', 'Sorry to hear that. Could you send us a DM with your booking number? We will look into it.', c.assignee_id, c.first_reply_at, c.first_reply_at
    from generate_series(${start}::int, ${end}::int) g join conversations c on c.id = md5(${b.prefix} || 'v' || g)::uuid
    where c.first_reply_at is not null`.execute(cx);
}

type Compiled = { sql: string; parameters: readonly unknown[] };

/** EXPLAIN (ANALYZE, BUFFERS) of the very SQL listConversations sends. */
async function explain(h: DbHandle, brandId: string, userId: string | null, f: ListFilters, full: string[], name: string): Promise<string> {
  const q = await capture(h, (db) => listConversations(db, brandId, userId, f));
  return q ? explainSql(h, q, full, name) : '';
}

/** Runs `fn` with a Kysely whose executor records the last compiled query on its way to the database. */
async function capture(h: DbHandle, fn: (db: Db) => Promise<unknown>): Promise<Compiled | null> {
  type Exec = ReturnType<Db['getExecutor']>;
  let compiled: Compiled | null = null;
  const real = h.db.getExecutor();
  const spy = new Proxy(h.db, {
    get(target, prop, receiver) {
      if (prop === 'getExecutor') {
        return () => new Proxy(real, {
          get(t2, p2, r2) {
            if (p2 === 'executeQuery') return (q: Parameters<Exec['executeQuery']>[0]) => { compiled = q; return real.executeQuery(q); };
            const v = Reflect.get(t2, p2, r2) as unknown;
            // Kysely's executors use #private fields: call their methods on the real object.
            return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(t2) : v;
          },
        });
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  await fn(spy);
  return compiled;
}

async function explainSql(h: DbHandle, q: Compiled, full: string[], name: string): Promise<string> {
  const real = h.db.getExecutor();
  const plan = await real.executeQuery<{ 'QUERY PLAN': string }>({ ...(q as Parameters<typeof real.executeQuery>[0]), sql: `explain (analyze, buffers, format text) ${q.sql}` });
  const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
  full.push(`-- ${name}\n${text}`);
  const used = [...new Set([...text.matchAll(/(?:Index Only Scan|Index Scan)(?: Backward)? using (\w+)|Bitmap Index Scan on (\w+)/g)].map((m) => m[1] ?? m[2] ?? ''))];
  const seq = [...new Set(text.match(/Seq Scan on \w+/g) ?? [])];
  const time = /Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? '?';
  const buffers = /Buffers: ([^\n]+)/.exec(text)?.[1]?.trim() ?? '';
  return `exec ${time} ms; ${buffers}; ${[...used, ...seq].join(', ')}`;
}
