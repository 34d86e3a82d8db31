// `npm run bench -- inbox [--db postgres|pglite] [--conversations N] [--runs N] [--json]`
//
// Generates N conversations (1 million by default) with one message each, real customer texts,
// contacts, channels, assignees, tags and triage labels, with set-based INSERT … SELECT on the
// server; then times the inbox's list / filter / search queries through listConversations and
// prints each one's EXPLAIN (ANALYZE) plan summary.
import { hostname } from 'node:os';
import { Core, systemActor } from '@earshot/core';
import { listConversations, type ListFilters } from '../packages/core/src/conversations/conversation.query';
import { migrate, openDatabase, sql, type DbHandle } from '@earshot/db';
import { loadSampleTexts } from '../packages/core/src/channels/index';
import { num, parseArgs } from './support/args';
import { createBenchDb, type BenchDbKind } from './support/bench-db';
import { BENCH_SECRET_KEY } from './support/seed';
import { load1, machine, percentile, round } from './support/stats';

export default async function run(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { db: 'postgres', conversations: '1000000', runs: '30', json: false, keep: false });
  const kind = String(a.db) as BenchDbKind;
  const total = Math.max(1000, num(a.conversations, 1_000_000));
  const runs = Math.max(3, num(a.runs, 30));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`inbox bench on ${hostname()}: ${machine()}`);
  log(`db=${kind} conversations=${total} runs=${runs} load-average-before=${load1()}`);

  // --url: time the queries again on a database an earlier `--keep` run generated (before/after an index).
  const reuse = typeof a.url === 'string' ? a.url : null;
  const db = reuse ? { url: reuse, home: '', open: () => openDatabase({ url: reuse, poolSize: 2 }), drop: async () => undefined } : await createBenchDb(kind);
  let h: DbHandle | null = null;
  try {
    h = await db.open({ poolSize: 2 });
    if (reuse) {
      await migrate(h);
      await sql`analyze`.execute(h.db);
      const brand = await h.db.selectFrom('brands').select('id').where('slug', '=', 'inbox').executeTakeFirstOrThrow();
      const me = await h.db.selectFrom('users').select('id').where('email', '=', 'agent0@inbox.test').executeTakeFirstOrThrow();
      await timeQueries(h, brand.id, me.id, runs, log, a.json === true, kind, total, 0);
      return;
    }
    const core = await Core.create({ handle: h, secretKey: BENCH_SECRET_KEY });
    const { brand } = await core.admin.ensureBrand({ slug: 'inbox', name: 'Inbox Co', timezone: 'Europe/Berlin' });
    const actor = systemActor(brand.id, 'bench');
    const agents = [];
    for (let i = 0; i < 20; i++) agents.push(await core.admin.upsertUser(actor, { email: `agent${i}@inbox.test`, name: `Agent ${i}`, password: 'bench password 123', role: 'agent' }));
    const channels = [];
    for (const kind2 of ['x', 'facebook', 'api', 'email'] as const) channels.push((await core.channels.create(actor, { kind: kind2, name: kind2 })).channel.id);
    // A second brand with a slice of the data: every query must stay within its own brand.
    const { brand: other } = await core.admin.ensureBrand({ slug: 'other', name: 'Other', timezone: 'UTC' });
    await core.bus.close();

    const texts = (await loadSampleTexts()).map((s) => s.text).slice(0, 20_000);
    const t0 = performance.now();
    await generate(h, { brandId: brand.id, otherBrandId: other.id, channels, agents: agents.map((u) => u.id), texts, total });
    const genS = (performance.now() - t0) / 1000;
    log(`generated ${total} conversations (+ contacts, identities, messages) in ${round(genS, 0)} s (${round(total / genS, 0)}/s)`);

    await timeQueries(h, brand.id, agents[0]?.id ?? null, runs, log, a.json === true, kind, total, genS);
  } finally {
    await h?.close();
    if (a.keep !== true) await db.drop();
    else log(`kept database: ${db.url ?? db.home}`);
  }
}

async function timeQueries(h: DbHandle, brandId: string, me: string | null, runs: number, log: (s: string) => void, json: boolean, kind: string, total: number, genS: number): Promise<void> {
  {
    const brand = { id: brandId };
    const first = await listConversations(h.db, brand.id, me, {});
    const queries: [string, ListFilters][] = [
      ['inbox (open+pending, recent)', {}],
      ['inbox page 2 (cursor)', { cursor: first.nextCursor ?? undefined }],
      ['mine', { view: 'mine' }],
      ['unassigned', { view: 'unassigned' }],
      ['needs response', { view: 'needs_response' }],
      ['sort by priority', { sort: 'priority' }],
      ['sort by waiting', { sort: 'waiting' }],
      ['status resolved', { status: ['resolved'] }],
      ['channel kind x', { channelKind: 'x' }],
      ['priority urgent', { priority: ['urgent'] }],
      ['sentiment negative', { sentiment: 'negative' }],
      ['tag refund', { tag: 'refund' }],
      ['search "refund"', { q: 'refund' }],
      ['search "flight delayed"', { q: 'flight delayed' }],
      ['search rare word', { q: 'xylophone' }],
    ];
    const results: { name: string; p50: number; p99: number; rows: number; plan: string }[] = [];
    for (const [name, f] of queries) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < runs + 3; i++) {
        const s = performance.now();
        rows = (await listConversations(h.db, brand.id, me, f)).items.length;
        if (i >= 3) times.push(performance.now() - s);
      }
      const plan = await explain(h, brand.id, me, f);
      results.push({ name, p50: percentile(times, 50), p99: percentile(times, 99), rows, plan });
      log(`${name.padEnd(30)} p50 ${String(round(percentile(times, 50))).padStart(8)} ms  p99 ${String(round(percentile(times, 99))).padStart(8)} ms  rows ${rows}  | ${plan}`);
    }
    if (json) process.stdout.write(`${JSON.stringify({ db: kind, conversations: total, generate_s: round(genS, 0), queries: results.map((r) => ({ name: r.name, p50_ms: round(r.p50), p99_ms: round(r.p99), rows: r.rows })) })}\n`);
  }
}

/** Set-based generation on the server: a texts table, then INSERT … SELECT over generate_series in chunks. */
async function generate(h: DbHandle, o: { brandId: string; otherBrandId: string; channels: string[]; agents: string[]; texts: string[]; total: number }): Promise<void> {
  const db = h.db;
  await sql`create temporary table bench_texts (i int primary key, t text not null)`.execute(db);
  for (let i = 0; i < o.texts.length; i += 2000) {
    const chunk = o.texts.slice(i, i + 2000);
    await sql`insert into bench_texts (i, t) select * from unnest(${chunk.map((_, k) => i + k)}::int[], ${chunk}::text[])`.execute(db);
  }
  const nTexts = o.texts.length;
  const contacts = Math.ceil(o.total / 3);
  const chunk = 100_000;
  for (let start = 0; start < contacts; start += chunk) {
    const end = Math.min(contacts, start + chunk);
    await sql`insert into contacts (id, brand_id, name, created_at)
      select md5('c' || g)::uuid, ${o.brandId}::uuid, 'Customer ' || g, now() - (g % 10000) * interval '1 minute'
      from generate_series(${start}::int, ${end - 1}::int) g`.execute(db);
    await sql`insert into contact_identities (brand_id, contact_id, channel_kind, external_id, handle, followers)
      select ${o.brandId}::uuid, md5('c' || g)::uuid, (array['x','facebook','api','email'])[1 + g % 4], 'ext-' || g, '@cust' || g, (g * 37) % 50000
      from generate_series(${start}::int, ${end - 1}::int) g`.execute(db);
  }
  for (let start = 0; start < o.total; start += chunk) {
    const end = Math.min(o.total, start + chunk);
    // Mostly resolved history; a working set of open/pending; some assigned, tagged, labelled.
    await sql`insert into conversations (id, brand_id, contact_id, channel_id, status, priority, assignee_id, subject, preview, tags, needs_response, triage, waiting_since, last_activity_at, last_inbound_at, resolved_at, message_count, created_at)
      select md5('v' || g)::uuid, ${o.brandId}::uuid, md5('c' || (g % ${contacts}))::uuid, (${o.channels}::uuid[])[1 + g % ${o.channels.length}],
        (array['resolved','resolved','resolved','resolved','resolved','resolved','open','pending','snoozed','resolved'])[1 + g % 10],
        (array['normal','normal','normal','low','high','urgent'])[1 + g % 6],
        case when g % 3 = 0 then (${o.agents}::uuid[])[1 + g % ${o.agents.length}] end,
        '', left(t.t, 140),
        case when g % 7 = 0 then array['refund'] when g % 11 = 0 then array['vip','delay'] else '{}'::text[] end,
        g % 2 = 0,
        jsonb_build_object('sentiment', jsonb_build_object('value', (array['negative','neutral','positive'])[1 + g % 3]), 'topic', jsonb_build_object('value', 'billing'), 'language', jsonb_build_object('value', 'en')),
        now() - (g % 100000) * interval '1 second', now() - (g % 1000000) * interval '1 second', now() - (g % 1000000) * interval '1 second',
        case when g % 10 in (0,1,2,3,4,5,9) then now() end, 1, now() - (g % 1000000) * interval '1 second'
      from generate_series(${start}::int, ${end - 1}::int) g join bench_texts t on t.i = g % ${nTexts}`.execute(db);
    await sql`insert into messages (brand_id, conversation_id, channel_id, direction, visibility, kind, text, provider_message_id, sent_at)
      select ${o.brandId}::uuid, md5('v' || g)::uuid, (${o.channels}::uuid[])[1 + g % ${o.channels.length}], 'inbound', 'public', 'message', t.t, 'pm-' || g, now() - (g % 1000000) * interval '1 second'
      from generate_series(${start}::int, ${end - 1}::int) g join bench_texts t on t.i = g % ${nTexts}`.execute(db);
    process.stderr.write(`\r  ${end} / ${o.total}`);
  }
  process.stderr.write('\n');
  await sql`analyze`.execute(db);
}

/** EXPLAIN ANALYZE of the very SQL listConversations sends: the indexes used and the execution time. */
async function explain(h: DbHandle, brandId: string, userId: string | null, f: ListFilters): Promise<string> {
  type Exec = ReturnType<DbHandle['db']['getExecutor']>;
  let compiled: Parameters<Exec['executeQuery']>[0] | null = null;
  const real = h.db.getExecutor();
  // Capture the compiled query on its way to the database (Kysely asks the executor provider).
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
  await listConversations(spy, brandId, userId, f);
  const q = compiled as Parameters<Exec['executeQuery']>[0] | null;
  if (!q) return '';
  const plan = await real.executeQuery<{ 'QUERY PLAN': string }>({ ...q, sql: `explain (analyze, format text) ${q.sql}` });
  const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
  const used = [...new Set(text.match(/(?:Index|Bitmap Index|Index Only) Scan (?:Backward )?using \w+/g) ?? [])].map((x) => x.replace(/.* using /, ''));
  const seq = [...new Set(text.match(/Seq Scan on \w+/g) ?? [])];
  const time = /Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? '?';
  return `exec ${time} ms; ${[...used, ...seq].join(', ')}`;
}
