// `npm run bench -- ingest-profile [--db pglite|postgres] [--events N] [--top N] [--cpu-profile FILE] [--json]`
//
// Where the ingest pipeline's time goes, in one process and without HTTP: receives N signed
// provider deliveries (X, Meta, API) through the real drivers, then drains the worker with the
// shipped triage model, routing and SLA hooks. Counts every SQL statement sent to the database
// (pg's Client.query, which both databases go through) and its time, per phase and per statement
// shape, so a change to the pipeline can be judged by round trips per message as well as time.
// `--cpu-profile FILE` writes a V8 CPU profile of the processing phase alone (open it in Chrome's
// DevTools or any .cpuprofile viewer).
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { Core, type Worker } from '@earshot/core';
import { loadSampleTexts, startMetaFakeServer, startXFakeServer } from '../packages/core/src/channels/index';
import { loadClassifier } from '../apps/server/src/triage-classifier';
import { num, parseArgs } from './support/args';
import { createBenchDb, type BenchDbKind } from './support/bench-db';
import { deliveryFactory } from './support/events';
import { BENCH_SECRET_KEY, seedBenchBrand } from './support/seed';
import { load1, machine, round } from './support/stats';

interface Shape { count: number; ms: number }

/** Counts and times every statement while `on`; the shape is the SQL with literals and whitespace folded. */
function instrumentPg(): { on: boolean; reset(): void; total(): Shape; shapes(): [string, Shape][] } {
  const shapes = new Map<string, Shape>();
  const state = {
    on: false,
    reset() { shapes.clear(); },
    total() { let count = 0, ms = 0; for (const s of shapes.values()) { count += s.count; ms += s.ms; } return { count, ms }; },
    shapes() { return [...shapes.entries()].sort((a, b) => b[1].count - a[1].count); },
  };
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const r = original.apply(this, args);
    if (!state.on || !(r instanceof Promise)) return r;
    const first = args[0];
    const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text ?? '?';
    const key = text.replace(/\s+/g, ' ').replace(/\$\d+/g, '$').replace(/\(\$(, \$)*\)(, \(\$(, \$)*\))+/g, '($…),…').slice(0, 160);
    const t0 = performance.now();
    return r.finally(() => {
      const s = shapes.get(key) ?? { count: 0, ms: 0 };
      s.count += 1;
      s.ms += performance.now() - t0;
      shapes.set(key, s);
    });
  };
  return state;
}

export default async function run(argv: string[]): Promise<void> {
  const a = parseArgs(argv, { db: 'pglite', events: '400', top: '25', json: false, 'cpu-profile': '' });
  const profileTo = String(a['cpu-profile'] ?? '');
  const kind = String(a.db) as BenchDbKind;
  if (kind !== 'pglite' && kind !== 'postgres') throw new Error('--db is pglite or postgres');
  const n = Math.max(1, num(a.events, 400));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log(`ingest profile: ${machine()}`);
  log(`db=${kind} events=${n} load-average-before=${load1()}`);

  const texts = await loadSampleTexts();
  let ti = 0;
  const x = await startXFakeServer();
  const meta = await startMetaFakeServer();
  const db = await createBenchDb(kind);
  const probe = instrumentPg();
  let core: Core | null = null;
  let worker: Worker | null = null;
  try {
    const handle = await db.open();
    const brand = await seedBenchBrand(handle, x, meta);
    const make = deliveryFactory(brand, x, meta, () => texts[(ti++ * 7919) % texts.length]?.text ?? 'hello');
    core = await Core.create({ handle, secretKey: BENCH_SECRET_KEY, classifier: await loadClassifier() });
    worker = core.worker();
    await worker.drain(); // recurring jobs seeded at start, out of the measurement

    // receive: verify + store + enqueue, one delivery at a time (what one webhook request costs).
    probe.reset();
    probe.on = true;
    const deliveries = Array.from({ length: n }, (_, i) => make(i));
    let t0 = performance.now();
    for (const d of deliveries) {
      const body: unknown = JSON.parse(d.body.toString('utf8'));
      await core.ingest.receive(d.channelId, { method: 'POST', headers: d.headers, rawBody: d.body, query: {} }, body);
    }
    const receiveMs = performance.now() - t0;
    const receive = probe.total();
    probe.on = false;
    log(`\nreceive: ${n} deliveries in ${round(receiveMs, 0)} ms = ${round(n / (receiveMs / 1000), 0)}/s; ${round(receive.count / n, 1)} statements each, ${round(receive.ms / n, 2)} ms in the database each`);

    // process: the worker drains the backlog in its normal batches.
    probe.reset();
    probe.on = true;
    const inspector = profileTo ? new Session() : null;
    if (inspector) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    }
    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const processed = await worker.drain();
    const processMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (inspector) {
      const { profile } = await inspector.post('Profiler.stop');
      await writeFile(profileTo, JSON.stringify(profile));
      inspector.disconnect();
      log(`CPU profile of the processing phase written to ${profileTo}`);
    }
    const cpuMs = (cpu.user + cpu.system) / 1000;
    probe.on = false;
    const proc = probe.total();
    const messages = Number((await core.db.selectFrom('messages').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    log(`process: ${processed} jobs, ${messages} messages in ${round(processMs, 0)} ms = ${round(messages / (processMs / 1000), 0)} messages/s; ${round(proc.count / messages, 1)} statements per message, ${round(proc.ms / messages, 2)} ms in the database per message (${round((proc.ms / processMs) * 100, 0)} % of the time)`);
    log(`         this process used ${round(cpuMs / messages, 2)} ms of CPU per message${kind === 'pglite' ? ' (the embedded database included)' : ' (the server\'s own CPU not included)'}`);
    const top = num(a.top, 25);
    log(`\ntop statements while processing (count per message, ms total):`);
    for (const [k, s] of probe.shapes().slice(0, top)) log(`${String(round(s.count / messages, 2)).padStart(6)}  ${String(round(s.ms, 0)).padStart(6)} ms  ${k}`);
    const result = {
      db: kind, events: n,
      receive_per_s: round(n / (receiveMs / 1000), 0), receive_statements_per_event: round(receive.count / n, 1),
      process_messages_per_s: round(messages / (processMs / 1000), 0), process_statements_per_message: round(proc.count / messages, 1),
      process_db_ms_per_message: round(proc.ms / messages, 2), process_ms_per_message: round(processMs / messages, 2), process_cpu_ms_per_message: round(cpuMs / messages, 2),
    };
    if (a.json === true) process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await worker?.stop();
    await core?.close();
    await x.close();
    await meta.close();
    await db.drop();
  }
}
