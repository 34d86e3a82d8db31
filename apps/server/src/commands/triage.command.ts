// `earshot triage train|eval`: file I/O and CSV parsing around the pure @earshot/triage package.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import {
  DEFAULT_MODEL_URL,
  evaluate,
  parseModel,
  serializeModel,
  trainModel,
  type EvalReport,
  type LabelledRow,
  type Sentiment,
} from '@earshot/triage';

const SENTIMENT_VALUES: ReadonlySet<string> = new Set(['negative', 'neutral', 'positive']);

interface CsvData {
  rows: LabelledRow[];
  sha256: string;
  skipped: number;
}

/** Reads a CSV with the airline-sentiment columns (id,text,sentiment,negative_reason,…). */
export function readLabelledCsv(path: string): CsvData {
  const bytes = readFileSync(path);
  const records: unknown = parse(bytes, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true });
  if (!Array.isArray(records)) throw new Error(`${path}: not a CSV table`);
  const rows: LabelledRow[] = [];
  let skipped = 0;
  for (const record of records as unknown[]) {
    if (typeof record !== 'object' || record === null) continue;
    const r = record as Record<string, unknown>;
    if (!('text' in r) || !('sentiment' in r)) throw new Error(`${path}: needs the columns text and sentiment`);
    const text = typeof r.text === 'string' ? r.text : '';
    const sentiment = typeof r.sentiment === 'string' ? r.sentiment.trim().toLowerCase() : '';
    if (!SENTIMENT_VALUES.has(sentiment)) {
      skipped++;
      continue;
    }
    const reason = typeof r.negative_reason === 'string' && r.negative_reason.trim() !== '' ? r.negative_reason.trim() : null;
    rows.push({ text, sentiment: sentiment as Sentiment, reason });
  }
  return { rows, sha256: createHash('sha256').update(bytes).digest('hex'), skipped };
}

function progressReporter(): (stage: string, done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => {};
  return (stage, done, total) => {
    process.stderr.write(`\r${stage} ${done}/${total}   `);
    if (done === total && stage === 'train') process.stderr.write('\n');
  };
}

/** This process's CPU time in ms: throughput per core, whatever else the machine is doing. */
function cpuClockMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function fail(error: unknown): void {
  process.stderr.write(`earshot triage: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

function formatHuman(r: EvalReport): string {
  const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  return [
    `rows              ${r.n}`,
    `sentiment acc     ${pct(r.accuracy)}   macro-F1 ${pct(r.macro_f1)}`,
    `reason acc        ${pct(r.reason_accuracy)}   macro-F1 ${pct(r.reason_macro_f1)}`,
    `needs_response F1 ${pct(r.needs_response_f1)}`,
    `throughput        ${r.msgs_per_s.toLocaleString('en-US')} msgs/s`,
  ].join('\n');
}

export function registerTriageCommands(program: Command): void {
  const triage = program.command('triage').description('train and evaluate the triage model');

  triage
    .command('train')
    .description('train a triage model from a labelled CSV')
    .requiredOption('--data <csv>', 'CSV with columns id,text,sentiment,negative_reason,airline,created_at')
    .requiredOption('--out <model>', 'where to write the model (JSON)')
    .option('--seed <n>', 'random seed', '42')
    .option('--model-version <version>', 'version string stored in the model')
    .action((opts: { data: string; out: string; seed: string; modelVersion?: string }) => {
      try {
        const data = readLabelledCsv(resolve(opts.data));
        if (data.rows.length === 0) throw new Error(`${opts.data}: no labelled rows`);
        const started = Date.now();
        const model = trainModel(data.rows, {
          seed: Number.parseInt(opts.seed, 10),
          dataSha256: data.sha256,
          ...(opts.modelVersion ? { version: opts.modelVersion } : {}),
          onProgress: progressReporter(),
        });
        writeFileSync(resolve(opts.out), `${JSON.stringify(serializeModel(model))}\n`);
        const m = model.info.metrics;
        process.stderr.write(
          `trained ${model.info.version} on ${data.rows.length} rows (${data.skipped} skipped) in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
            `held-out sentiment acc ${m.sentiment_accuracy ?? 'n/a'}, topic acc ${m.topic_accuracy ?? 'n/a'} -> ${opts.out}\n`,
        );
      } catch (error) {
        fail(error);
      }
    });

  triage
    .command('eval')
    .description('evaluate a triage model on a labelled CSV')
    .requiredOption('--data <csv>', 'CSV with columns id,text,sentiment,negative_reason,airline,created_at')
    .option('--model <model>', 'model JSON (default: the shipped model)')
    .option('--json', 'print one JSON object')
    .action((opts: { data: string; model?: string; json?: boolean }) => {
      try {
        const modelPath = opts.model ? resolve(opts.model) : DEFAULT_MODEL_URL;
        const model = parseModel(JSON.parse(readFileSync(modelPath, 'utf8')) as unknown);
        const data = readLabelledCsv(resolve(opts.data));
        const report = evaluate(model, data.rows, { clock: cpuClockMs });
        process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatHuman(report)}\n`);
      } catch (error) {
        fail(error);
      }
    });
}
