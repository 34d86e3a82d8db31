// Trains every head of a triage model: for each, a plain LR and an NB-weighted LR are fitted,
// mixed and temperature-calibrated on a seeded held-out slice, then refitted on all rows.
import { DEFAULT_FEATURE_CONFIG, extractFeatures, type FeatureConfig } from '../text/features';
import { tokenize } from '../text/tokenize';
import { needsResponseLabel, reasonOf } from '../labels';
import { SENTIMENTS, type Head, type LabelledRow, type TriageModel } from '../types';
import { buildTable } from './lookup';
import { mulberry32, shuffleInPlace } from './random';
import { nbRatios, trainSoftmax, type LinearHead } from './softmax';
import { buildVocabulary, toSparse, type SparseRows } from './sparse';
import { classificationReport } from '../eval/metrics';

export interface Hyper {
  epochs: number;
  learningRate: number;
  l2: number;
  nbAlpha: number;
  minDf: number;
  maxFeatures: number;
  holdoutFraction: number;
  features: FeatureConfig;
}

export const DEFAULT_HYPER: Hyper = {
  epochs: 10,
  learningRate: 2,
  l2: 1e-4,
  nbAlpha: 1,
  minDf: 2,
  maxFeatures: 60_000,
  holdoutFraction: 0.15,
  features: DEFAULT_FEATURE_CONFIG,
};

export interface TrainOptions {
  seed?: number;
  dataSha256?: string;
  version?: string;
  /** Rows added on top of `rows`, e.g. agents' corrections; always trained on, never held out. */
  extraRows?: LabelledRow[];
  /** Gradient weight of each extra row (default 5). */
  extraWeight?: number;
  hyper?: Partial<Hyper>;
  /** Called as work progresses (pure: the caller decides how to show it). */
  onProgress?: (stage: string, done: number, total: number) => void;
  /** Clock for `createdAt` (defaults to now). */
  now?: Date;
}

interface HeadSpec {
  name: 'sentiment' | 'topic' | 'topicGate' | 'needsResponse';
  classes: string[];
  labels: Int32Array;
}

interface FittedHead {
  head: LinearHead;
  mix: number;
  temperature: number;
}

interface Calibration {
  mix: number;
  temperature: number;
  /** Accuracy and macro-F1 of the split-trained head on the held-out slice. */
  accuracy: number;
  macroF1: number;
}

const MIXES = [0, 0.25, 0.5, 0.75, 1];
const TEMPERATURES = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.15, 1.3, 1.5, 1.75, 2, 2.5, 3];

function headSpecs(rows: readonly LabelledRow[], topicClasses: string[]): HeadSpec[] {
  const topicIndex = new Map(topicClasses.map((c, i) => [c, i]));
  const sentiment = Int32Array.from(rows, (r) => SENTIMENTS.indexOf(r.sentiment));
  const topic = Int32Array.from(rows, (r) => topicIndex.get(reasonOf(r) ?? '') ?? -1);
  const gate = Int32Array.from(rows, (r) => (reasonOf(r) === null ? 0 : 1));
  const needs = Int32Array.from(rows, (r) => (needsResponseLabel(r) ? 1 : 0));
  return [
    { name: 'sentiment', classes: [...SENTIMENTS], labels: sentiment },
    { name: 'topic', classes: topicClasses, labels: topic },
    { name: 'topicGate', classes: ['no', 'yes'], labels: gate },
    { name: 'needsResponse', classes: ['no', 'yes'], labels: needs },
  ];
}

/** `extras`: how many of the last rows are extra rows (they keep SGD's order of the base rows, see softmax.ts). */
function fitComponents(data: SparseRows, spec: HeadSpec, weight: Float32Array, V: number, hp: Hyper, seed: number, extras: number): [LinearHead, LinearHead] {
  const K = spec.classes.length;
  const opts = { epochs: hp.epochs, learningRate: hp.learningRate, l2: hp.l2, seed, extraFrom: spec.labels.length - extras };
  const plain = trainSoftmax(data, spec.labels, weight, V, K, opts);
  const scale = nbRatios(data, spec.labels, weight, V, K, hp.nbAlpha);
  const nb = trainSoftmax(data, spec.labels, weight, V, K, { ...opts, seed: seed + 1, scale });
  return [plain, nb];
}

function mixHeads(a: LinearHead, b: LinearHead, mix: number): LinearHead {
  const weights = new Float32Array(a.weights.length);
  for (let i = 0; i < weights.length; i++) weights[i] = mix * (a.weights[i] as number) + (1 - mix) * (b.weights[i] as number);
  const bias = new Float32Array(a.bias.length);
  for (let i = 0; i < bias.length; i++) bias[i] = mix * (a.bias[i] as number) + (1 - mix) * (b.bias[i] as number);
  return { weights, bias, classes: a.classes };
}

function logitsOf(head: LinearHead, idx: Int32Array, value: number, out: Float64Array): void {
  const K = head.classes;
  for (let k = 0; k < K; k++) out[k] = head.bias[k] as number;
  for (let j = 0; j < idx.length; j++) {
    const base = (idx[j] as number) * K;
    for (let k = 0; k < K; k++) out[k] = (out[k] as number) + (head.weights[base + k] as number) * value;
  }
}

function heldReport(head: LinearHead, data: SparseRows, labels: Int32Array, classes: string[]): { accuracy: number; macroF1: number } {
  const z = new Float64Array(head.classes);
  const gold: string[] = [];
  const predicted: string[] = [];
  for (let r = 0; r < labels.length; r++) {
    const y = labels[r] as number;
    if (y < 0) continue;
    logitsOf(head, data.idx[r] as Int32Array, data.value[r] as number, z);
    let best = 0;
    for (let k = 1; k < head.classes; k++) if ((z[k] as number) > (z[best] as number)) best = k;
    gold.push(classes[y] as string);
    predicted.push(classes[best] as string);
  }
  const rep = classificationReport(gold, predicted, classes);
  return { accuracy: rep.accuracy, macroF1: rep.macroF1 };
}

function nll(head: LinearHead, data: SparseRows, labels: Int32Array, temperature: number): { nll: number; correct: number } {
  const K = head.classes;
  const z = new Float64Array(K);
  let total = 0;
  let correct = 0;
  for (let r = 0; r < labels.length; r++) {
    const y = labels[r] as number;
    if (y < 0) continue;
    logitsOf(head, data.idx[r] as Int32Array, data.value[r] as number, z);
    let max = -Infinity;
    let best = 0;
    for (let k = 0; k < K; k++) {
      if ((z[k] as number) > max) {
        max = z[k] as number;
        best = k;
      }
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(((z[k] as number) - max) / temperature);
    total += Math.log(sum) - ((z[y] as number) - max) / temperature;
    if (best === y) correct++;
  }
  return { nll: total, correct };
}

/** Picks the LR/NB-LR mix and the softmax temperature with the lowest held-out log-loss. */
function calibrate(components: [LinearHead, LinearHead], data: SparseRows, labels: Int32Array, classes: string[]): Calibration {
  let best = { mix: 0.5, temperature: 1, nll: Infinity };
  for (const mix of MIXES) {
    const head = mixHeads(components[0], components[1], mix);
    for (const temperature of TEMPERATURES) {
      const s = nll(head, data, labels, temperature);
      if (s.nll < best.nll - 1e-9) best = { mix, temperature, nll: s.nll };
    }
  }
  const rep = heldReport(mixHeads(components[0], components[1], best.mix), data, labels, classes);
  return { mix: best.mix, temperature: best.temperature, ...rep };
}

function stratifiedHoldout(rows: readonly LabelledRow[], fraction: number, seed: number): Set<number> {
  const strata = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = `${r.sentiment}|${reasonOf(r) ?? ''}`;
    const list = strata.get(key) ?? [];
    list.push(i);
    strata.set(key, list);
  });
  const rand = mulberry32(seed ^ 0x5bd1e995);
  const held = new Set<number>();
  for (const key of [...strata.keys()].sort()) {
    const list = shuffleInPlace([...(strata.get(key) ?? [])], rand);
    const take = Math.round(list.length * fraction);
    for (let i = 0; i < take; i++) held.add(list[i] as number);
  }
  return held;
}

function subset(data: SparseRows, keep: number[]): SparseRows {
  return { idx: keep.map((i) => data.idx[i] as Int32Array), value: Float32Array.from(keep, (i) => data.value[i] as number) };
}

function pick(labels: Int32Array, keep: number[]): Int32Array {
  return Int32Array.from(keep, (i) => labels[i] as number);
}

export function trainModel(rows: LabelledRow[], opts: TrainOptions = {}): TriageModel {
  const seed = opts.seed ?? 42;
  const hp: Hyper = { ...DEFAULT_HYPER, ...opts.hyper };
  const progress = opts.onProgress ?? (() => {});
  const extra = opts.extraRows ?? [];
  const all = [...rows, ...extra];
  const weight = Float32Array.from(all, (_, i) => (i < rows.length ? 1 : (opts.extraWeight ?? 5)));

  progress('features', 0, all.length);
  const hashLists = all.map((r) => extractFeatures(tokenize(r.text), hp.features));
  progress('features', all.length, all.length);
  const keys = buildVocabulary(hashLists, hp.minDf, hp.maxFeatures);
  const V = keys.length;
  const data = toSparse(hashLists, keys);
  const topicClasses = [...new Set(all.map(reasonOf).filter((r): r is string => r !== null))].sort();
  const specs = headSpecs(all, topicClasses);

  const held = rows.length >= 200 ? stratifiedHoldout(rows, hp.holdoutFraction, seed) : new Set<number>();
  const trainIdx = all.map((_, i) => i).filter((i) => !held.has(i));
  const heldIdx = [...held].sort((a, b) => a - b);
  const trainData = subset(data, trainIdx);
  const trainWeight = Float32Array.from(trainIdx, (i) => weight[i] as number);
  const heldData = subset(data, heldIdx);

  const fitted: FittedHead[] = [];
  const metrics: Record<string, number | null> = {};
  const total = specs.length * (heldIdx.length > 0 ? 2 : 1);
  let done = 0;
  for (const [h, spec] of specs.entries()) {
    let mix = 0.5;
    let temperature = 1;
    if (heldIdx.length > 0 && spec.classes.length > 1) {
      const comps = fitComponents(trainData, { ...spec, labels: pick(spec.labels, trainIdx) }, trainWeight, V, hp, seed + 10 * h, extra.length);
      const cal = calibrate(comps, heldData, pick(spec.labels, heldIdx), spec.classes);
      ({ mix, temperature } = cal);
      metrics[`${spec.name}_accuracy`] = cal.accuracy;
      metrics[`${spec.name}_macro_f1`] = cal.macroF1;
      metrics[`${spec.name}_mix`] = mix;
      progress('train', ++done, total);
    }
    const final = fitComponents(data, spec, weight, V, hp, seed + 10 * h, extra.length);
    fitted.push({ head: mixHeads(final[0], final[1], mix), mix, temperature });
    progress('train', ++done, total);
  }

  const model = assemble(keys, specs, fitted, hp, {
    version: opts.version ?? `triage-${(opts.now ?? new Date()).toISOString().slice(0, 10)}`,
    createdAt: (opts.now ?? new Date()).toISOString(),
    dataSha256: opts.dataSha256 ?? null,
    rows: rows.length,
    extraRows: extra.length,
    seed,
    metrics,
  });
  return model;
}

function assemble(keys: Uint32Array, specs: HeadSpec[], fitted: FittedHead[], hp: Hyper, info: TriageModel['info']): TriageModel {
  const columns = specs.reduce((n, s) => n + s.classes.length, 0);
  const V = keys.length;
  const weights = new Float32Array(V * columns);
  const heads: Head[] = [];
  let offset = 0;
  specs.forEach((spec, h) => {
    const f = fitted[h] as FittedHead;
    const K = spec.classes.length;
    for (let v = 0; v < V; v++) for (let k = 0; k < K; k++) weights[v * columns + offset + k] = f.head.weights[v * K + k] as number;
    heads.push({ classes: spec.classes, offset, bias: Float32Array.from(f.head.bias), temperature: f.temperature });
    offset += K;
  });
  const [sentiment, topic, topicGate, needsResponse] = heads as [Head, Head, Head, Head];
  return {
    info,
    features: hp.features,
    keys,
    weights,
    columns,
    heads: { sentiment, topic, topicGate, needsResponse },
    table: buildTable(keys),
  };
}
