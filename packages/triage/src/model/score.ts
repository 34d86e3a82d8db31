// Linear scoring of one message against every head at once. Character n-grams of a word are
// summed once and memoised per word, so a message costs a few lookups per token.
import {
  bigramHash,
  charGramBody,
  CUE_ALLCAPS,
  CUE_ELONGATED,
  CUE_EMPTY,
  forEachCharGram,
  unigramHash,
  wordHash,
} from '../text/features';
import { tokenize, type Token } from '../text/tokenize';
import type { Head, TriageModel } from '../types';
import { lookup } from './lookup';

export interface Scored {
  tokens: Token[];
  /** Scaled logits for every column (bias not included). */
  logits: Float64Array;
  /** Per-feature value, 1/sqrt(number of known features). */
  value: number;
  /** Known word/bigram/cue features as triples (weight row, token, second token or -1). */
  hits: number[];
  /** Summed unigram + char-gram weights of each token (see tokenVector). */
  tokenVectors: Float32Array[];
}

// Everything a token contributes on its own (its unigram, hashtag word and char-grams) depends
// only on its text and negation, so it is summed once per model and memoised.
// Layout: C columns, then the number of known features.
const tokenCaches = new WeakMap<TriageModel, Map<string, Float32Array>>();
const CACHE_LIMIT = 200_000;

function tokenVector(model: TriageModel, t: Token): Float32Array {
  let cache = tokenCaches.get(model);
  if (!cache) {
    cache = new Map();
    tokenCaches.set(model, cache);
  }
  const key = t.negated ? `\u0001${t.text}` : t.kind === 'hashtag' ? `\u0002${t.text}` : t.text;
  const hit = cache.get(key);
  if (hit) return hit;
  const C = model.columns;
  const vec = new Float32Array(C + 1);
  const add = (hash: number): void => {
    const r = lookup(model.table, model.keys, hash);
    if (r < 0) return;
    const base = r * C;
    for (let c = 0; c < C; c++) vec[c] = (vec[c] as number) + (model.weights[base + c] as number);
    vec[C] = (vec[C] as number) + 1;
  };
  add(unigramHash(t));
  const body = charGramBody(t);
  if (body !== null) {
    if (t.kind === 'hashtag') add(wordHash(body));
    forEachCharGram(body, model.features, add);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, vec);
  return vec;
}

export function scoreText(model: TriageModel, text: string): Scored {
  return scoreTokens(model, tokenize(text));
}

interface Accumulator {
  model: TriageModel;
  logits: Float64Array;
  hits: number[];
  known: number;
}

// A top-level function, not a closure: closures in this hot path were re-created (and, under
// tsx, re-wrapped) for every message.
function addRow(acc: Accumulator, hash: number, a: number, b: number): void {
  const { model, logits } = acc;
  const r = lookup(model.table, model.keys, hash);
  if (r < 0) return;
  acc.known++;
  acc.hits.push(r, a, b);
  const C = model.columns;
  const W = model.weights;
  const base = r * C;
  for (let c = 0; c < C; c++) logits[c] = (logits[c] as number) + (W[base + c] as number);
}

export function scoreTokens(model: TriageModel, tokens: Token[]): Scored {
  const C = model.columns;
  const logits = new Float64Array(C);
  const acc: Accumulator = { model, logits, hits: [], known: 0 };
  const tokenVectors: Float32Array[] = [];
  const bigrams = model.features.bigrams;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const vec = tokenVector(model, t);
    for (let c = 0; c < C; c++) logits[c] = (logits[c] as number) + (vec[c] as number);
    acc.known += vec[C] as number;
    tokenVectors.push(vec);
    if (t.allCaps) addRow(acc, CUE_ALLCAPS, i, -1);
    if (t.elongated) addRow(acc, CUE_ELONGATED, i, -1);
    if (bigrams && i > 0) addRow(acc, bigramHash(tokens[i - 1] as Token, t), i - 1, i);
  }
  if (tokens.length === 0) addRow(acc, CUE_EMPTY, -1, -1);
  const value = acc.known > 0 ? 1 / Math.sqrt(acc.known) : 0;
  for (let c = 0; c < C; c++) logits[c] = (logits[c] as number) * value;
  return { tokens, logits, value, hits: acc.hits, tokenVectors };
}

/** Scaled contribution of each token to columns offset..offset+K-1: out[t * K + k]. */
export function tokenContributions(model: TriageModel, scored: Scored, offset: number, K: number): Float64Array {
  const C = model.columns;
  const out = new Float64Array(scored.tokens.length * K);
  const { hits, tokenVectors, value } = scored;
  for (let h = 0; h < hits.length; h += 3) {
    const base = (hits[h] as number) * C + offset;
    const a = hits[h + 1] as number;
    const b = hits[h + 2] as number;
    if (a < 0) continue;
    const share = b < 0 ? value : value / 2;
    for (let k = 0; k < K; k++) {
      const w = (model.weights[base + k] as number) * share;
      out[a * K + k] = (out[a * K + k] as number) + w;
      if (b >= 0) out[b * K + k] = (out[b * K + k] as number) + w;
    }
  }
  tokenVectors.forEach((vec, i) => {
    for (let k = 0; k < K; k++) out[i * K + k] = (out[i * K + k] as number) + (vec[offset + k] as number) * value;
  });
  return out;
}

/** Calibrated class probabilities of one head. */
export function headProbabilities(head: Head, logits: Float64Array): Float64Array {
  const K = head.classes.length;
  const p = new Float64Array(K);
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
