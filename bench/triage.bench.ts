// `npm run bench -- triage [--folds 5] [--data <csv>] [--seed 42] [--no-write]`
// Stratified k-fold cross-validation on the airline dev data: Earshot's model against AFINN
// (`sentiment`), VADER (`vader-sentiment`) and a plain multinomial naive Bayes, same folds, same run.
// Writes the results table to the "## Triage" section of docs/benchmarks.md.
// `--throughput` only measures full triage() with the shipped default model (no cross-validation).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  binaryF1,
  DEFAULT_MODEL_URL,
  parseModel,
  triage,
  classificationReport,
  evaluate,
  needsResponseLabel,
  predictNaiveBayes,
  reasonOf,
  SENTIMENTS,
  trainModel,
  trainNaiveBayes,
  type LabelledRow,
  type Sentiment,
} from '@earshot/triage';
import { readLabelledCsv } from '../apps/server/src/commands/triage.command';

interface Scores {
  accuracy: number;
  macro_f1: number;
  reason_accuracy: number | null;
  reason_macro_f1: number | null;
  needs_response_f1: number;
  msgs_per_s: number;
}

interface Prediction {
  sentiment: Sentiment;
  reason: string | null;
  needsResponse: boolean;
}

type Fit = (train: LabelledRow[], seed: number) => Scores | ((text: string) => Prediction);

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const hasQuestion = (text: string): boolean => text.replace(/https?:\/\/\S+/g, '').includes('?');

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fold number per row, stratified by sentiment|reason, seeded. */
function assignFolds(rows: readonly LabelledRow[], folds: number, seed: number): number[] {
  const strata = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = `${r.sentiment}|${reasonOf(r) ?? ''}`;
    strata.set(key, [...(strata.get(key) ?? []), i]);
  });
  const rand = mulberry32(seed);
  const fold = new Array<number>(rows.length).fill(0);
  let offset = 0;
  for (const key of [...strata.keys()].sort()) {
    const members = strata.get(key) ?? [];
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [members[i], members[j]] = [members[j] as number, members[i] as number];
    }
    members.forEach((row, i) => (fold[row] = (i + offset) % folds));
    offset += members.length;
  }
  return fold;
}

function majority(values: readonly string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
}

/** Scores a predictor with the same metric definitions as `triage eval`. */
function scorePredictor(predict: (text: string) => Prediction, test: readonly LabelledRow[]): Scores {
  const preds = test.map((r) => predict(r.text));
  const sentiment = classificationReport(test.map((r) => r.sentiment), preds.map((p) => p.sentiment), SENTIMENTS);
  const withReason = test.map((r, i) => [reasonOf(r), preds[i]?.reason ?? '(none)'] as const).filter(([g]) => g !== null);
  const reasons = withReason.length > 0 ? classificationReport(withReason.map(([g]) => g as string), withReason.map(([, p]) => p), []) : null;
  let count = 0;
  const start = cpuMs();
  while (cpuMs() - start < 300) {
    for (const r of test) predict(r.text);
    count += test.length;
  }
  return {
    accuracy: sentiment.accuracy,
    macro_f1: sentiment.macroF1,
    reason_accuracy: reasons?.accuracy ?? null,
    reason_macro_f1: reasons?.macroF1 ?? null,
    needs_response_f1: binaryF1(test.map(needsResponseLabel), preds.map((p) => p.needsResponse)),
    msgs_per_s: Math.round((count / (cpuMs() - start)) * 1000),
  };
}

const require = createRequire(import.meta.url);

function loadAfinn(): (text: string) => number {
  const Ctor: unknown = require('sentiment');
  if (typeof Ctor !== 'function') throw new Error('sentiment: unexpected export');
  const analyzer: unknown = Reflect.construct(Ctor, []);
  const analyze: unknown = typeof analyzer === 'object' && analyzer !== null ? Reflect.get(analyzer, 'analyze') : undefined;
  if (typeof analyze !== 'function') throw new Error('sentiment: no analyze()');
  return (text) => {
    const result: unknown = Reflect.apply(analyze, analyzer, [text]);
    const score: unknown = typeof result === 'object' && result !== null ? Reflect.get(result, 'score') : undefined;
    return typeof score === 'number' ? score : 0;
  };
}

function loadVader(): (text: string) => number {
  const mod: unknown = require('vader-sentiment');
  const sia: unknown = typeof mod === 'object' && mod !== null ? Reflect.get(mod, 'SentimentIntensityAnalyzer') : undefined;
  const scores: unknown = (typeof sia === 'object' && sia !== null) || typeof sia === 'function' ? Reflect.get(sia, 'polarity_scores') : undefined;
  if (typeof scores !== 'function') throw new Error('vader-sentiment: no polarity_scores()');
  return (text) => {
    const result: unknown = Reflect.apply(scores, sia, [text]);
    const compound: unknown = typeof result === 'object' && result !== null ? Reflect.get(result, 'compound') : undefined;
    return typeof compound === 'number' ? compound : 0;
  };
}

/** Lexicon baselines have no reasons: they answer the training fold's most frequent reason. */
function lexiconBaseline(score: (text: string) => number, threshold: number): Fit {
  return (train) => {
    const reason = majority(train.map(reasonOf).filter((r): r is string => r !== null));
    return (text) => {
      const s = score(text);
      const sentiment: Sentiment = s > threshold ? 'positive' : s < -threshold ? 'negative' : 'neutral';
      return { sentiment, reason, needsResponse: sentiment === 'negative' || (sentiment === 'neutral' && hasQuestion(text)) };
    };
  };
}

const naiveBayes: Fit = (train) => {
  const texts = train.map((r) => r.text);
  const sentiment = trainNaiveBayes(texts, train.map((r) => r.sentiment));
  const withReason = train.filter((r) => reasonOf(r) !== null);
  const reason = trainNaiveBayes(withReason.map((r) => r.text), withReason.map((r) => reasonOf(r) as string));
  const needs = trainNaiveBayes(texts, train.map((r) => (needsResponseLabel(r) ? 'yes' : 'no')));
  return (text) => ({
    sentiment: predictNaiveBayes(sentiment, text) as Sentiment,
    reason: predictNaiveBayes(reason, text),
    needsResponse: predictNaiveBayes(needs, text) === 'yes',
  });
};

const earshot = (test: () => LabelledRow[]): Fit => (train, seed) => {
  const model = trainModel(train, { seed });
  const r = evaluate(model, test(), { clock: cpuMs });
  return r;
};

interface Throughput {
  median: number;
  best: number;
  windows: number;
}

/**
 * Full triage() of the shipped default model over every row, in CPU-time windows of ~0.5 s after a
 * warm-up pass; the median and best window say how much a busy machine distorted the number.
 */
function defaultModelThroughput(rows: readonly LabelledRow[], windows: number): Throughput {
  const model = parseModel(JSON.parse(readFileSync(DEFAULT_MODEL_URL, 'utf8')));
  for (const r of rows) triage(model, { text: r.text });
  const rates: number[] = [];
  for (let w = 0; w < windows; w++) {
    let count = 0;
    const start = cpuMs();
    while (cpuMs() - start < 500) {
      for (const r of rows) triage(model, { text: r.text });
      count += rows.length;
    }
    rates.push((count / (cpuMs() - start)) * 1000);
  }
  rates.sort((a, b) => a - b);
  return { median: Math.round(rates[Math.floor(rates.length / 2)] ?? 0), best: Math.round(rates[rates.length - 1] ?? 0), windows };
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function arg(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] as string) : fallback;
}

function mean(values: Array<number | null>): number | null {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length === values.length && xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

export default async function run(argv: string[]): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dataPath = arg(argv, '--data', `${root}data/airline-sentiment/dev.csv`);
  const folds = Number.parseInt(arg(argv, '--folds', '5'), 10);
  const seed = Number.parseInt(arg(argv, '--seed', '42'), 10);
  const { rows } = readLabelledCsv(dataPath);
  const sha = createHash('sha256').update(readFileSync(dataPath)).digest('hex');
  const setup = [
    `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}, load average ${(os.loadavg()[0] ?? 0).toFixed(1)} at start`,
    `data: ${dataPath.replace(root, '')} (${rows.length} rows, sha256 ${sha.slice(0, 12)}…)`,
    `protocol: ${folds}-fold cross-validation, stratified by sentiment|reason, seed ${seed}; every model sees the same folds`,
    'throughput: messages per CPU-second on one core (process CPU time), after a warm-up pass; Earshot = full triage() (all labels, reasons, urgency, language)',
  ];
  console.log(setup.join('\n'));

  const tp = defaultModelThroughput(rows, Number.parseInt(arg(argv, '--windows', '10'), 10));
  const tpLine = `shipped default model, full triage() over the ${rows.length} rows: median ${fmt(tp.median)} msgs/s, best ${fmt(tp.best)} msgs/s (${tp.windows} CPU-time windows of 0.5 s, load average ${(os.loadavg()[0] ?? 0).toFixed(1)})`;
  console.log(`throughput: ${tpLine}`);
  if (argv.includes('--throughput')) return;

  const fold = assignFolds(rows, folds, seed);
  let currentTest: LabelledRow[] = [];
  const models: Array<[string, Fit]> = [
    ['Earshot (NB-LR ensemble, calibrated)', earshot(() => currentTest)],
    ['Multinomial naive Bayes (words)', naiveBayes],
    ['AFINN (`sentiment`)', lexiconBaseline(loadAfinn(), 0)],
    ['VADER (`vader-sentiment`)', lexiconBaseline(loadVader(), 0.05)],
  ];
  const results = new Map<string, Scores[]>(models.map(([name]) => [name, []]));
  for (let f = 0; f < folds; f++) {
    const train = rows.filter((_, i) => fold[i] !== f);
    currentTest = rows.filter((_, i) => fold[i] === f);
    for (const [name, fit] of models) {
      process.stderr.write(`fold ${f + 1}/${folds}: ${name}\n`);
      const fitted = fit(train, seed + f);
      const scores = typeof fitted === 'function' ? scorePredictor(fitted, currentTest) : fitted;
      results.get(name)?.push(scores);
    }
  }

  const header = '| model | sentiment accuracy | sentiment macro-F1 | reason accuracy | reason macro-F1 | needs_response F1 | msgs/s (1 core) |';
  const lines = [header, '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const [name] of models) {
    const s = results.get(name) ?? [];
    const m = (k: keyof Scores): number | null => mean(s.map((x) => x[k]));
    lines.push(
      `| ${name} | ${pct(m('accuracy'))} | ${pct(m('macro_f1'))} | ${pct(m('reason_accuracy'))} | ${pct(m('reason_macro_f1'))} | ${pct(m('needs_response_f1'))} | ${Math.round(m('msgs_per_s') ?? 0).toLocaleString('en-US')} |`,
    );
  }
  const table = lines.join('\n');
  console.log(`\n${table}\n`);

  if (!argv.includes('--no-write')) {
    const section = [
      '## Triage',
      '',
      'Reproduce: `npm run bench -- triage` (writes this section; `--no-write` to only print).',
      '',
      ...setup.map((l) => `- ${l}`),
      `- single-core throughput of the ${tpLine} — \`npm run bench -- triage --throughput\``,
      '- reason accuracy: over rows with a gold reason (negatives); AFINN and VADER have no reasons, so they answer the most frequent reason of the training fold',
      '- needs_response: derived label, see packages/triage/README.md; lexicon baselines answer "negative, or neutral with a question"',
      '',
      table,
      '',
      '',
    ].join('\n');
    const docPath = `${root}docs/benchmarks.md`;
    const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Benchmarks\n\n';
    const start = doc.indexOf('## Triage');
    const next = start >= 0 ? doc.indexOf('\n## ', start + 1) : -1;
    const updated = start < 0 ? `${doc.trimEnd()}\n\n${section}` : `${doc.slice(0, start)}${section}${next >= 0 ? doc.slice(next + 1) : ''}`;
    writeFileSync(docPath, updated.endsWith('\n') ? updated : `${updated}\n`);
    console.log(`wrote the Triage section of ${docPath.replace(root, '')}`);
  }
}
