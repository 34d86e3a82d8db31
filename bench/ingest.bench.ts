// `npm run bench -- ingest [--db pglite|postgres] [--mode start|split] [--rate N|0] [--seconds N] [--concurrency N] [--history N] [--verify-audit] [--drain S] [--json]`
//
// Starts the real Earshot CLI on a fresh database, posts signed provider events (X Account
// Activity, Meta feed comments and Messenger, generic API) on loopback, and measures what a brand
// under a storm would feel: acknowledged events/s, ack latency, end-to-end latency to the desk's
// event stream, job backlog, CPU and memory; then compares with raw inserts of the same rows.
// `--history N` first seeds N earlier inbound messages (N/5 conversations and contacts, their
// thread keys and audit rows, support/history.ts), and one live message in five then comes from a
// seeded customer replying into their conversation, so the pipeline reads real history.
import { Agent, request } from 'node:http';
import { cpus, hostname } from 'node:os';
import { loadSampleTexts, startMetaFakeServer, startXFakeServer } from '../packages/core/src/channels/index';
import { sql } from '@earshot/db';
import { assertKnownFlags, numFlag, parseArgs, UsageError } from './support/args';
import { createBenchDb, type BenchDbKind } from './support/bench-db';
import { freePort, spawnEarshot, stopEarshot, waitHealthy, waitWorker, type EarshotProcess } from './support/earshot-process';
import { deliveryFactory, type BenchDelivery } from './support/events';
import { checkAuditChain, MAX_HISTORY, seedHistory, type ChainCheck, type HistoryResult } from './support/history';
import { procUsage } from './support/proc-usage';
import { rawInsertCeiling } from './support/raw-insert';
import { BENCH_SECRET_KEY, seedBenchBrand } from './support/seed';
import { subscribeEvents } from './support/sse';
import { load1, machine, percentile, round } from './support/stats';

interface Sent { postedAt: number; ackAt: number; seenAt: number | null }

export default async function run(argv: string[]): Promise<void> {
  const defaults = { db: 'pglite', mode: 'start', rate: '0', seconds: '20', concurrency: '16', json: false, drain: '120', history: '0', 'verify-audit': false };
  const a = parseArgs(argv, defaults);
  assertKnownFlags(argv, defaults, a);
  const kind = String(a.db) as BenchDbKind;
  const mode = String(a.mode) as 'start' | 'split';
  if (kind !== 'pglite' && kind !== 'postgres') throw new UsageError(`--db is pglite or postgres (got ${JSON.stringify(a.db)})`);
  if (mode !== 'start' && mode !== 'split') throw new UsageError(`--mode is start or split (got ${JSON.stringify(a.mode)})`);
  if (mode === 'split' && kind === 'pglite') throw new UsageError('--mode split needs --db postgres (the embedded database is single-process)');
  const rate = numFlag(a.rate, 'rate', { min: 0, max: 100_000 });
  const seconds = numFlag(a.seconds, 'seconds', { min: 1, max: 600 });
  const concurrency = numFlag(a.concurrency, 'concurrency', { min: 1, max: 1024, integer: true });
  const drain = numFlag(a.drain, 'drain', { min: 0, max: 3600 });
  const history = numFlag(a.history, 'history', { min: 0, max: MAX_HISTORY, integer: true });
  const verifyAudit = a['verify-audit'] === true;
  const json = a.json === true;
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const loadBefore = load1();

  log(`ingest bench on ${hostname()}: ${machine()}`);
  log(`db=${kind} mode=${mode} rate=${rate > 0 ? `${rate}/s` : 'max'} seconds=${seconds} concurrency=${concurrency} history=${history} drain=${drain}s load-average-before=${loadBefore}`);

  const texts = await loadSampleTexts();
  let ti = 0;
  const nextText = () => texts[(ti++ * 7919) % texts.length]?.text ?? 'hello';
  const x = await startXFakeServer();
  const meta = await startMetaFakeServer();
  const db = await createBenchDb(kind);
  const procs: EarshotProcess[] = [];
  let sse: { close(): void } | null = null;
  try {
    const seedHandle = await db.open();
    const brand = await seedBenchBrand(seedHandle, x, meta);
    // History: seeded before anything is timed; its customers then write again during the load.
    const historyStart = new Date();
    let seeded: HistoryResult | null = null;
    let seededChain: ChainCheck | null = null;
    if (history > 0) {
      log(`seeding history: ${history} inbound messages over ${Math.max(1, Math.floor(history / 5))} conversations and contacts…`);
      seeded = await seedHistory(seedHandle, brand, history, texts.map((t) => t.text), { pageId: meta.pageId, log });
      log(`history seeded in ${round(seeded.seconds, 1)} s: ${seeded.messages} messages, ${seeded.conversations} conversations (${Object.entries(seeded.byStatus).map(([k, v]) => `${v} ${k}`).join(', ')}), ${seeded.contacts} contacts, ${seeded.threadKeys} thread keys, ${seeded.auditRows} audit rows (seq ${seeded.auditSeqBefore + 1}..${seeded.auditSeqAfter})`);
      const tc = performance.now();
      seededChain = await checkAuditChain(seedHandle.db, brand.brandId, verifyAudit ? { fromSeq: 1 } : { tail: 2000, sample: 500 });
      log(`audit chain after seeding (${verifyAudit ? 'whole chain' : 'last 2000 rows + 500 sampled'}): ${chainLine(seededChain)} (${round((performance.now() - tc) / 1000, 1)} s)`);
      if (!seededChain.ok) throw new Error(`the seeded audit chain is broken: ${seededChain.problem ?? ''}`);
    }
    await seedHandle.close();
    const make = deliveryFactory(brand, x, meta, nextText, seeded?.targets ?? []);

    // Raw ceiling first, on the same database kind (the embedded one allows one process at a time).
    const sample = Array.from({ length: 2000 }, (_, i) => make(1_000_000 + i));
    const raw = await rawInsertCeiling(db.url ? { url: db.url } : { dataDir: `${db.home}/db` }, sample.map((d) => ({ providerEventId: d.providerMessageId, payload: d.body.toString('utf8') })), { seconds: Math.min(5, seconds), concurrency });
    log(`raw insert ceiling: ${round(raw.perRowCommit, 0)} rows/s (1 row per commit, ${kind === 'pglite' ? 1 : concurrency} connection(s)), ${round(raw.batched100, 0)} rows/s (100 rows per commit)`);

    const port = await freePort();
    const env = { port, home: db.home, url: db.url, secretKey: BENCH_SECRET_KEY };
    if (mode === 'start') {
      procs.push(spawnEarshot('start', env));
      await waitHealthy(port, procs[0]!);
    } else {
      procs.push(spawnEarshot('serve', env));
      await waitHealthy(port, procs[0]!);
      procs.push(spawnEarshot('work', { ...env, port: undefined }));
      await waitWorker(procs[1]!);
    }

    const sent = new Map<string, Sent>();
    const seenEarly = new Map<string, number>();
    let duplicatesSeen = 0;
    sse = await subscribeEvents(port, brand.token, (e, at) => {
      if (e.type !== 'message.created') return;
      const pid = (e.data.data as { providerMessageId?: string } | undefined)?.providerMessageId;
      if (!pid) return;
      const s = sent.get(pid);
      if (!s) { seenEarly.set(pid, at); return; } // pushed before our ack callback ran
      if (s.seenAt !== null) duplicatesSeen++;
      else s.seenAt = at;
    });

    // Sampling: backlog from /metrics, CPU and memory from /proc.
    const samples: { t: number; backlog: number; cpu: number; rssMb: number }[] = [];
    const cpu0 = procs.map((p) => procUsage(p.child.pid ?? 0)?.cpuSeconds ?? 0);
    let lastCpu = cpu0.reduce((x1, y) => x1 + y, 0);
    const t0 = performance.now();
    let lastT = t0;
    const sampleOnce = async () => {
      const m = await httpGet(port, '/metrics').catch(() => '');
      const backlog = [...m.matchAll(/^earshot_jobs\{name="[^"]+",state="(?:queued|running)"\} (\d+)/gm)].reduce((s, r) => s + Number(r[1]), 0);
      const usage = procs.map((p) => procUsage(p.child.pid ?? 0));
      const cpuNow = usage.reduce((s, u) => s + (u?.cpuSeconds ?? 0), 0);
      const now = performance.now();
      samples.push({ t: (now - t0) / 1000, backlog, cpu: (cpuNow - lastCpu) / ((now - lastT) / 1000), rssMb: usage.reduce((s, u) => s + (u?.rssBytes ?? 0), 0) / 2 ** 20 });
      lastCpu = cpuNow;
      lastT = now;
    };
    const sampler = setInterval(() => void sampleOnce(), 1000);

    // Load.
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    let i = 0;
    let failed = 0;
    const statuses = new Map<number, number>();
    const until = performance.now() + seconds * 1000;
    const postOne = async (d: BenchDelivery) => {
      const postedAt = performance.now();
      const status = await post(agent, port, d);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status !== 200) { failed++; return; }
      const ackAt = performance.now();
      const early = seenEarly.get(d.providerMessageId);
      sent.set(d.providerMessageId, { postedAt, ackAt, seenAt: early ?? null });
    };
    if (rate <= 0) {
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) await postOne(make(i++)).catch(() => { failed++; });
      }));
    } else {
      const inflight = new Set<Promise<void>>();
      const start = performance.now();
      while (performance.now() < until) {
        const due = Math.floor(((performance.now() - start) / 1000) * rate);
        while (i < due && inflight.size < concurrency * 8) {
          const p: Promise<void> = postOne(make(i++)).catch(() => { failed++; }).finally(() => inflight.delete(p));
          inflight.add(p);
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      await Promise.all(inflight);
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    const acked = sent.size;
    log(`posted ${i}, acknowledged ${acked} in ${round(loadSeconds, 1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    if (rate > 0) {
      const due = Math.floor(seconds * rate);
      log(`fixed rate: ${i} sent of ${due} due at ${rate}/s over ${seconds} s${i < due * 0.98 ? ' — the generator fell behind (the server answered slower than the rate needs with this --concurrency)' : ''}`);
    }

    // Let the workers catch up (bounded), still sampling.
    const drainUntil = performance.now() + drain * 1000;
    while (performance.now() < drainUntil) {
      const pending = [...sent.values()].filter((s) => s.seenAt === null).length;
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const drainSeconds = (performance.now() - t0) / 1000 - loadSeconds;
    clearInterval(sampler);
    await sampleOnce();
    agent.destroy();
    sse.close();
    sse = null;
    for (const p of [...procs].reverse()) await stopEarshot(p);

    // Lost and duplicated, from the database itself.
    const h = await db.open();
    let lost = 0;
    let unprocessed = 0;
    let duplicated = 0;
    let intoHistory = 0;
    let chainAfter: ChainCheck | null = null;
    try {
      const stored = new Map<string, number>();
      for (const r of (await sql<{ provider_message_id: string; n: string }>`select provider_message_id, count(*) as n from messages where direction = 'inbound' group by provider_message_id`.execute(h.db)).rows) stored.set(r.provider_message_id, Number(r.n));
      // A message not stored yet is lost only if its raw event is not stored either (a drain that
      // ran out of time leaves acknowledged events queued, not lost).
      const queuedIds = new Set<string>();
      for (const r of (await sql<{ payload: string }>`select payload::text as payload from inbound_events where processed_at is null`.execute(h.db)).rows) {
        for (const token of r.payload.match(/[A-Za-z0-9_.:-]{4,}/g) ?? []) queuedIds.add(token);
      }
      for (const id of sent.keys()) {
        const n = stored.get(id) ?? 0;
        if (n === 0 && queuedIds.has(id)) unprocessed++;
        else if (n === 0) lost++;
        if (n > 1) duplicated += n - 1;
      }
      if (seeded) {
        // Live messages the pipeline filed into a seeded conversation (thread key or reply id found, history read).
        const r = await sql<{ n: string }>`select count(*)::text as n from messages m join conversations c on c.id = m.conversation_id
          where m.brand_id = ${brand.brandId} and m.direction = 'inbound' and m.created_at >= ${historyStart} and c.created_at < ${historyStart}`.execute(h.db);
        intoHistory = Number(r.rows[0]?.n ?? 0);
      }
      // The live run's audit rows go on from the seeded chain: check the seam and everything after it.
      chainAfter = await checkAuditChain(h.db, brand.brandId, seeded ? { fromSeq: Math.max(1, seeded.auditSeqAfter - 99), sample: 200 } : { tail: 5000, sample: 200 });
    } finally {
      await h.close();
    }

    const ack = [...sent.values()].map((s) => s.ackAt - s.postedAt);
    const e2e = [...sent.values()].filter((s) => s.seenAt !== null).map((s) => Math.max(0, (s.seenAt ?? 0) - s.ackAt));
    const unseen = [...sent.values()].filter((s) => s.seenAt === null).length;
    const eventsPerS = acked / loadSeconds;
    // Processed: acknowledged events that became messages on the desk's stream, per second from the
    // first acknowledgement to the last message seen (not the load + drain wall time).
    const firstAck = Math.min(...[...sent.values()].map((s) => s.ackAt));
    const lastSeen = Math.max(...[...sent.values()].map((s) => s.seenAt ?? Number.NEGATIVE_INFINITY));
    const processedWindowS = Number.isFinite(firstAck) && Number.isFinite(lastSeen) ? Math.max(0.001, (lastSeen - firstAck) / 1000) : Number.NaN;
    const processedPerS = acked - unseen > 0 ? (acked - unseen) / processedWindowS : 0;
    const loadAfter = load1();
    const peakBacklog = Math.max(0, ...samples.map((s) => s.backlog));
    const cpuAvg = samples.length ? samples.reduce((s, x1) => s + x1.cpu, 0) / samples.length : 0;
    const rssPeak = Math.max(0, ...samples.map((s) => s.rssMb));

    log('');
    log('backlog over time (s: jobs queued+running, CPU cores used by Earshot, RSS MiB):');
    const step = Math.max(1, Math.ceil(samples.length / 20));
    for (let k = 0; k < samples.length; k += step) {
      const s = samples[k]!;
      log(`  ${round(s.t, 0).toString().padStart(4)}s  backlog ${String(s.backlog).padStart(6)}  cpu ${round(s.cpu, 2).toFixed(2)}  rss ${round(s.rssMb, 0)}`);
    }
    log('');
    log(`acknowledged:   ${round(eventsPerS, 0)} events/s (${acked} events, ${failed} failed)`);
    log(`ack latency:    p50 ${round(percentile(ack, 50))} ms, p99 ${round(percentile(ack, 99))} ms`);
    log(`end to end:     p50 ${round(percentile(e2e, 50))} ms, p99 ${round(percentile(e2e, 99))} ms (ack → normalised, triaged, routed, on the SSE stream); ${unseen} not seen`);
    log(`processed:      ${round(processedPerS, 0)} messages/s (${acked - unseen} over ${round(processedWindowS, 1)} s from the first ack to the last seen; drain ${round(drainSeconds, 1)} s); peak backlog ${peakBacklog} jobs`);
    log(`earshot:        ${round(cpuAvg, 2)} cores on average, peak RSS ${round(rssPeak, 0)} MiB (${procs.map((p) => p.role).join(' + ')})`);
    log(`raw ceiling:    ${round(raw.perRowCommit, 0)} rows/s one per commit; Earshot = ${round(eventsPerS / raw.perRowCommit, 2)}× of it (${round(raw.batched100, 0)} rows/s batched)`);
    log(`lost ${lost}, duplicated ${duplicated} (SSE repeats ${duplicatesSeen}); ${unprocessed} acknowledged events still queued when the drain ended`);
    if (seeded) log(`history:        ${history} messages seeded in ${round(seeded.seconds, 1)} s; ${intoHistory} live messages went into seeded conversations (1 in 5 was sent as a reply from a seeded customer)`);
    if (chainAfter) log(`audit chain:    ${chainLine(chainAfter)} after the run`);
    log(`load average:   ${loadBefore} before, ${loadAfter} after (1 min, ${cpus().length} cores)`);
    if (json) {
      process.stdout.write(`${JSON.stringify({
        db: kind, mode, rate: rate > 0 ? rate : 'max', seconds, history,
        events_per_s: round(eventsPerS, 0), processed_per_s: round(processedPerS, 0), processed_window_s: round(processedWindowS, 1),
        ack_p50_ms: round(percentile(ack, 50)), ack_p99_ms: round(percentile(ack, 99)),
        e2e_p50_ms: round(percentile(e2e, 50)), e2e_p99_ms: round(percentile(e2e, 99)),
        lost, duplicated, unprocessed, unseen,
        raw_insert_per_s: round(raw.perRowCommit, 0), raw_insert_batched_per_s: round(raw.batched100, 0), ratio: round(eventsPerS / raw.perRowCommit, 3),
        peak_backlog: peakBacklog, cpu_cores_avg: round(cpuAvg, 2), rss_peak_mb: round(rssPeak, 0),
        history_seed_s: seeded ? round(seeded.seconds, 1) : null, history_replies: seeded ? intoHistory : null,
        audit_chain_ok: chainAfter ? chainAfter.ok && (seededChain?.ok ?? true) : null,
        load_avg_1m_before: loadBefore, load_avg_1m_after: loadAfter,
      })}\n`);
    }
  } finally {
    sse?.close();
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await x.close();
    await meta.close();
    await db.drop();
  }
}

function post(agent: Agent, port: number, d: BenchDelivery): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, method: 'POST', path: `/api/v1/channels/${d.channelId}/events`, headers: { 'content-type': 'application/json', 'content-length': d.body.length, ...d.headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    // A request that hangs fails the event instead of holding the run open: the load always ends.
    req.setTimeout(30_000, () => req.destroy(new Error('request timed out after 30 s')));
    req.end(d.body);
  });
}

function httpGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let s = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { s += c; });
      res.on('end', () => resolve(s));
    }).on('error', reject).end();
  });
}

function chainLine(c: ChainCheck): string {
  return c.ok
    ? `ok (${c.rows} rows, last seq ${c.lastSeq}; ${c.checked} checked in order, ${c.sampled} sampled)`
    : `BROKEN: ${c.problem ?? '?'} (${c.rows} rows, last seq ${c.lastSeq})`;
}
