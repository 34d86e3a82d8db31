// Linear scoring of one message against every head at once. Everything a token contributes on
// its own (unigram, hashtag word, char-grams) is summed once per lexeme and memoised per model,
// so a message costs one vector add per token plus a table probe per bigram.
import { bigramHashFrom, bigramSeed, CUE_ALLCAPS, CUE_ELONGATED, CUE_EMPTY, forEachCharGram, unigramHashOf, wordHash } from '../text/features';
import { lexemeEpoch, type Lexeme } from '../text/lexeme';
import { createTokenBuffer, tokenizeInto, type TokenBuffer } from '../text/tokenize';
import type { Head, TriageModel } from '../types';
import { lookup } from './lookup';

// Per model, the memoised token vectors live in one contiguous pool (row `slot` of `pool`), found
// through a dense index by lexeme id * 2 + negated: no per-token objects for the CPU to chase.
interface ModelCache {
  epoch: number;
  /** Lexeme id * 2 + negated → pool slot + 1 (0 = not computed yet). */
  slotOf: Int32Array;
  /** Summed weights of each memoised token's own features, `columns` per slot. */
  pool: Float32Array;
  /** How many of those features the model knows, per slot. */
  known: Int32Array;
  /** FNV state after the slot's word as the first half of a bigram. */
  bigramSeed: Int32Array;
  size: number;
  capsRow: number;
  elongRow: number;
  emptyRow: number;
}

/** One scored message. Views into module-level buffers: valid until the next scoreMessage(). */
export interface Scored {
  tokens: TokenBuffer;
  /** Scaled logits for every column (bias not included); may be longer than `columns`. */
  logits: Float64Array;
  /** Per-feature value, 1/sqrt(number of known features). */
  value: number;
  /** The model's memoised token vectors; token i's is at slots[i] * columns. */
  pool: Float32Array;
  slots: Int32Array;
  /** Weight row of token i's ALL-CAPS cue, elongation cue and bigram (i-1, i); -1 when none. */
  capsRow: Int32Array;
  elongRow: Int32Array;
  bigramRow: Int32Array;
}

const caches = new WeakMap<TriageModel, ModelCache>();

function cacheOf(model: TriageModel): ModelCache {
  let cache = caches.get(model);
  if (!cache || cache.epoch !== lexemeEpoch()) {
    cache = {
      epoch: lexemeEpoch(),
      slotOf: new Int32Array(1024),
      pool: new Float32Array(256 * model.columns),
      known: new Int32Array(256),
      bigramSeed: new Int32Array(256),
      size: 0,
      capsRow: lookup(model.table, model.keys, CUE_ALLCAPS),
      elongRow: lookup(model.table, model.keys, CUE_ELONGATED),
      emptyRow: lookup(model.table, model.keys, CUE_EMPTY),
    };
    caches.set(model, cache);
  }
  return cache;
}

function grown<T extends Int32Array | Float32Array>(a: T, min: number, make: (n: number) => T): T {
  if (a.length >= min) return a;
  const b = make(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}

function addRowTo(model: TriageModel, pool: Float32Array, at: number, hash: number): number {
  const r = lookup(model.table, model.keys, hash);
  if (r < 0) return 0;
  const C = model.columns;
  const W = model.weights;
  const base = r * C;
  for (let c = 0; c < C; c++) pool[at + c] = (pool[at + c] as number) + (W[base + c] as number);
  return 1;
}

/** Computes and stores the token vector of (lex, negated); returns its slot. */
function memoise(model: TriageModel, cache: ModelCache, lex: Lexeme, negated: boolean, key: number): number {
  const C = model.columns;
  const slot = cache.size++;
  cache.pool = grown(cache.pool, (slot + 1) * C, (n) => new Float32Array(n));
  cache.known = grown(cache.known, slot + 1, (n) => new Int32Array(n));
  cache.bigramSeed = grown(cache.bigramSeed, slot + 1, (n) => new Int32Array(n));
  cache.slotOf = grown(cache.slotOf, key + 1, (n) => new Int32Array(n));
  const pool = cache.pool;
  const at = slot * C;
  let known = addRowTo(model, pool, at, unigramHashOf(lex.text, negated));
  if (lex.word !== null) {
    if (lex.kind === 'hashtag') known += addRowTo(model, pool, at, wordHash(lex.word));
    forEachCharGram(lex.word, model.features, (h) => {
      known += addRowTo(model, pool, at, h);
    });
  }
  cache.known[slot] = known;
  cache.bigramSeed[slot] = bigramSeed(lex.text);
  cache.slotOf[key] = slot + 1;
  return slot;
}

const tokens = createTokenBuffer();
// Typed-array allocation is slow in V8 compared to the few adds per token: reuse the logits.
let logitsBuf = new Float64Array(32);
let slots = new Int32Array(64);
let capsRow = new Int32Array(64);
let elongRow = new Int32Array(64);
let bigramRow = new Int32Array(64);

function addRow(W: Float32Array, C: number, logits: Float64Array, r: number): void {
  const base = r * C;
  for (let c = 0; c < C; c++) logits[c] = (logits[c] as number) + (W[base + c] as number);
}

export function scoreMessage(model: TriageModel, text: string): Scored {
  tokenizeInto(text, tokens);
  const cache = cacheOf(model);
  const n = tokens.n;
  if (capsRow.length < n) {
    slots = new Int32Array(n * 2);
    capsRow = new Int32Array(n * 2);
    elongRow = new Int32Array(n * 2);
    bigramRow = new Int32Array(n * 2);
  }
  const C = model.columns;
  const W = model.weights;
  if (logitsBuf.length < C) logitsBuf = new Float64Array(C);
  const logits = logitsBuf;
  logits.fill(0, 0, C);
  const bigrams = model.features.bigrams;
  let known = 0;
  let prevSlot = -1;
  for (let i = 0; i < n; i++) {
    const lex = tokens.lex[i] as Lexeme;
    const neg = tokens.negated[i] as number;
    const key = lex.id * 2 + neg;
    let slot = key < cache.slotOf.length ? (cache.slotOf[key] as number) - 1 : -1;
    if (slot < 0) slot = memoise(model, cache, lex, neg === 1, key);
    slots[i] = slot;
    const pool = cache.pool;
    const at = slot * C;
    for (let c = 0; c < C; c++) logits[c] = (logits[c] as number) + (pool[at + c] as number);
    known += cache.known[slot] as number;
    let r = lex.allCaps ? cache.capsRow : -1;
    if (r >= 0) {
      addRow(W, C, logits, r);
      known++;
    }
    capsRow[i] = r;
    r = lex.elongated ? cache.elongRow : -1;
    if (r >= 0) {
      addRow(W, C, logits, r);
      known++;
    }
    elongRow[i] = r;
    r = bigrams && prevSlot >= 0 ? lookup(model.table, model.keys, bigramHashFrom((cache.bigramSeed[prevSlot] as number) >>> 0, lex.text)) : -1;
    if (r >= 0) {
      addRow(W, C, logits, r);
      known++;
    }
    bigramRow[i] = r;
    prevSlot = slot;
  }
  if (n === 0 && cache.emptyRow >= 0) {
    addRow(W, C, logits, cache.emptyRow);
    known++;
  }
  const value = known > 0 ? 1 / Math.sqrt(known) : 0;
  for (let c = 0; c < C; c++) logits[c] = (logits[c] as number) * value;
  return { tokens, logits, value, pool: cache.pool, slots, capsRow, elongRow, bigramRow };
}

/** How much a weight row favours class `cls` of a head over the head's other classes. */
function margin(W: ArrayLike<number>, base: number, K: number, cls: number): number {
  let others = 0;
  for (let k = 0; k < K; k++) if (k !== cls) others += W[base + k] as number;
  return (W[base + cls] as number) - others / (K - 1);
}

let marginsBuf = new Float64Array(64);

/**
 * Per token, how far its features pushed class `cls` of `head` above the head's other classes
 * (scaled like the logits; a bigram's share is split between its two words). Valid until the
 * next call.
 */
export function tokenMargins(model: TriageModel, scored: Scored, head: Head, cls: number): Float64Array {
  const n = scored.tokens.n;
  if (marginsBuf.length < n) marginsBuf = new Float64Array(n * 2);
  const out = marginsBuf;
  const K = head.classes.length;
  const C = model.columns;
  const W = model.weights;
  const off = head.offset;
  const { value } = scored;
  for (let i = 0; i < n; i++) out[i] = 0;
  for (let i = 0; i < n; i++) {
    let m = margin(scored.pool, (scored.slots[i] as number) * C + off, K, cls);
    let r = scored.capsRow[i] as number;
    if (r >= 0) m += margin(W, r * C + off, K, cls);
    r = scored.elongRow[i] as number;
    if (r >= 0) m += margin(W, r * C + off, K, cls);
    out[i] = (out[i] as number) + m * value;
    r = scored.bigramRow[i] as number;
    if (r >= 0) {
      const half = (margin(W, r * C + off, K, cls) * value) / 2;
      out[i] = (out[i] as number) + half;
      out[i - 1] = (out[i - 1] as number) + half;
    }
  }
  return out;
}

/** Calibrated class probabilities of one head. */
export function headProbabilities(head: Head, logits: Float64Array): number[] {
  const K = head.classes.length;
  const p: number[] = new Array<number>(K).fill(0);
  if (K === 0) return p;
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    const z = ((logits[head.offset + k] as number) + (head.bias[k] as number)) / head.temperature;
    p[k] = z;
    if (z > max) max = z;
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp((p[k] as number) - max);
    p[k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) p[k] = (p[k] as number) / sum;
  return p;
}

export function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if ((p[i] as number) > (p[best] as number)) best = i;
  return best;
}
