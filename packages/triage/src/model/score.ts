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
  /** Scaled contribution of each token to each column: perToken[t * columns + c]. */
  perToken: Float64Array;
  /** Contribution not tied to a token (the empty-text cue). */
  known: number;
}

/** Summed char-gram weights per word: C columns, then the number of known n-grams. */
const charCaches = new WeakMap<TriageModel, Map<string, Float32Array>>();
const CACHE_LIMIT = 200_000;

function charVector(model: TriageModel, word: string): Float32Array {
  let cache = charCaches.get(model);
  if (!cache) {
    cache = new Map();
    charCaches.set(model, cache);
  }
  const hit = cache.get(word);
  if (hit) return hit;
  const C = model.columns;
  const vec = new Float32Array(C + 1);
  forEachCharGram(word, model.features, (h) => {
    const r = lookup(model.table, model.keys, h);
    if (r < 0) return;
    const base = r * C;
    for (let c = 0; c < C; c++) vec[c] = (vec[c] as number) + (model.weights[base + c] as number);
    vec[C] = (vec[C] as number) + 1;
  });
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, vec);
  return vec;
}

export function scoreText(model: TriageModel, text: string): Scored {
  return scoreTokens(model, tokenize(text));
}

export function scoreTokens(model: TriageModel, tokens: Token[]): Scored {
  const C = model.columns;
  const W = model.weights;
  const logits = new Float64Array(C);
  const perToken = new Float64Array(tokens.length * C);
  let known = 0;
  // Adds row `r` of the weight matrix, crediting token a (and b, half each, for a bigram).
  const addRow = (hash: number, a: number, b: number): void => {
    const r = lookup(model.table, model.keys, hash);
    if (r < 0) return;
    known++;
    const base = r * C;
    for (let c = 0; c < C; c++) {
      const w = W[base + c] as number;
      logits[c] = (logits[c] as number) + w;
      if (b < 0) perToken[a * C + c] = (perToken[a * C + c] as number) + w;
      else {
        perToken[a * C + c] = (perToken[a * C + c] as number) + w / 2;
        perToken[b * C + c] = (perToken[b * C + c] as number) + w / 2;
      }
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    addRow(unigramHash(t), i, -1);
    const body = charGramBody(t);
    if (body !== null) {
      if (t.kind === 'hashtag') addRow(wordHash(body), i, -1);
      const vec = charVector(model, body);
      for (let c = 0; c < C; c++) {
        logits[c] = (logits[c] as number) + (vec[c] as number);
        perToken[i * C + c] = (perToken[i * C + c] as number) + (vec[c] as number);
      }
      known += vec[C] as number;
      if (t.allCaps) addRow(CUE_ALLCAPS, i, -1);
      if (t.elongated) addRow(CUE_ELONGATED, i, -1);
    }
    if (model.features.bigrams && i > 0) addRow(bigramHash(tokens[i - 1] as Token, t), i - 1, i);
  }
  if (tokens.length === 0) {
    const r = lookup(model.table, model.keys, CUE_EMPTY);
    if (r >= 0) {
      known++;
      for (let c = 0; c < C; c++) logits[c] = (logits[c] as number) + (W[r * C + c] as number);
    }
  }
  const value = known > 0 ? 1 / Math.sqrt(known) : 0;
  for (let c = 0; c < C; c++) logits[c] = (logits[c] as number) * value;
  for (let i = 0; i < perToken.length; i++) perToken[i] = (perToken[i] as number) * value;
  return { tokens, logits, perToken, known };
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
