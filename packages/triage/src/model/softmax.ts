// Multinomial logistic regression over sparse rows, trained by seeded SGD with L2.
// An optional per-(feature, class) scale turns it into NB-weighted LR (NB-SVM style).
import { mulberry32, shuffleInPlace } from './random';
import type { SparseRows } from './sparse';

export interface SoftmaxOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  /** V*K multipliers applied to features per class; folded into the returned weights. */
  scale?: Float32Array;
  /**
   * Rows from this index on are extra rows (agents' corrections). The base rows are visited in
   * exactly the order they would be without extras and the extras are slotted in by a separate
   * random stream, so a few corrections change the model by what they teach rather than by
   * reshuffling SGD (which alone moved held-back accuracy by a few points).
   */
  extraFrom?: number;
}

export interface LinearHead {
  /** Feature-major V*K weights. */
  weights: Float32Array;
  bias: Float32Array;
  classes: number;
}

/** `base` in its order with each of `extras` inserted at a random position. */
function interleave(base: readonly number[], extras: readonly number[], rand: () => number): number[] {
  const at = extras.map(() => Math.floor(rand() * (base.length + 1))).sort((x, y) => x - y);
  const out: number[] = [];
  let e = 0;
  for (let i = 0; i <= base.length; i++) {
    while (e < at.length && at[e] === i) out.push(extras[e++] as number);
    if (i < base.length) out.push(base[i] as number);
  }
  return out;
}

/** Trains on rows whose label is >= 0; `sampleWeight` scales each row's gradient. */
export function trainSoftmax(
  data: SparseRows,
  labels: Int32Array,
  sampleWeight: Float32Array,
  vocabSize: number,
  classes: number,
  opts: SoftmaxOptions,
): LinearHead {
  const K = classes;
  const W = new Float32Array(vocabSize * K);
  const b = new Float32Array(K);
  const scale = opts.scale;
  const z = new Float64Array(K);
  const extraFrom = opts.extraFrom ?? labels.length;
  const base: number[] = [];
  const extras: number[] = [];
  for (let r = 0; r < labels.length; r++) if ((labels[r] as number) >= 0) (r < extraFrom ? base : extras).push(r);
  if (K < 2 || base.length + extras.length === 0) return { weights: W, bias: b, classes: K };
  const rand = mulberry32(opts.seed);
  const extraRand = mulberry32(opts.seed ^ 0x9e3779b9);
  const totalSteps = opts.epochs * (base.length + extras.length);
  let step = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffleInPlace(base, rand);
    const order = extras.length === 0 ? base : interleave(base, extras, extraRand);
    for (const r of order) {
      const lr = opts.learningRate * (1 - (0.9 * step) / totalSteps);
      step++;
      const idx = data.idx[r] as Int32Array;
      const v = data.value[r] as number;
      const y = labels[r] as number;
      const sw = sampleWeight[r] as number;
      for (let k = 0; k < K; k++) z[k] = b[k] as number;
      for (let j = 0; j < idx.length; j++) {
        const base = (idx[j] as number) * K;
        for (let k = 0; k < K; k++) z[k] = (z[k] as number) + (W[base + k] as number) * v * (scale ? (scale[base + k] as number) : 1);
      }
      let max = -Infinity;
      for (let k = 0; k < K; k++) if ((z[k] as number) > max) max = z[k] as number;
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp((z[k] as number) - max);
        z[k] = e;
        sum += e;
      }
      for (let k = 0; k < K; k++) z[k] = (((z[k] as number) / sum) - (k === y ? 1 : 0)) * sw;
      const decay = 1 - lr * opts.l2;
      for (let j = 0; j < idx.length; j++) {
        const base = (idx[j] as number) * K;
        for (let k = 0; k < K; k++) {
          const s = scale ? (scale[base + k] as number) : 1;
          W[base + k] = (W[base + k] as number) * decay - lr * (z[k] as number) * v * s;
        }
      }
      for (let k = 0; k < K; k++) b[k] = (b[k] as number) - lr * (z[k] as number);
    }
  }
  if (scale) for (let i = 0; i < W.length; i++) W[i] = (W[i] as number) * (scale[i] as number);
  return { weights: W, bias: b, classes: K };
}

/** NB log-count ratios per (feature, class): class vs. the rest, add-alpha smoothed. */
export function nbRatios(
  data: SparseRows,
  labels: Int32Array,
  sampleWeight: Float32Array,
  vocabSize: number,
  classes: number,
  alpha: number,
): Float32Array {
  const K = classes;
  const counts = new Float64Array(vocabSize * K);
  for (let r = 0; r < labels.length; r++) {
    const y = labels[r] as number;
    if (y < 0) continue;
    const idx = data.idx[r] as Int32Array;
    const sw = sampleWeight[r] as number;
    for (let j = 0; j < idx.length; j++) {
      const p = (idx[j] as number) * K + y;
      counts[p] = (counts[p] as number) + sw;
    }
  }
  const classTotal = new Float64Array(K);
  let allTotal = 0;
  for (let f = 0; f < vocabSize; f++) {
    for (let k = 0; k < K; k++) {
      const c = (counts[f * K + k] as number) + alpha;
      classTotal[k] = (classTotal[k] as number) + c;
      allTotal += c;
    }
  }
  const out = new Float32Array(vocabSize * K);
  for (let f = 0; f < vocabSize; f++) {
    let rowAll = 0;
    for (let k = 0; k < K; k++) rowAll += (counts[f * K + k] as number) + alpha;
    for (let k = 0; k < K; k++) {
      const p = (counts[f * K + k] as number) + alpha;
      const q = rowAll - p;
      const pk = classTotal[k] as number;
      out[f * K + k] = Math.log(p / pk) - Math.log(q / (allTotal - pk));
    }
  }
  return out;
}
