// Word uni/bigrams, character n-grams inside words, and a few tweet cues, hashed to 32-bit ids.
// Training uses extractFeatures(); inference uses the same primitives through model/score.ts.
import { fnvStep, fnvString } from './hash';
import type { Token } from './tokenize';

export interface FeatureConfig {
  charMin: number;
  charMax: number;
  bigrams: boolean;
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = { charMin: 2, charMax: 4, bigrams: true };

const SEED_WORD = fnvString('w:');
const SEED_NEG = fnvString('n:');
const SEED_BIGRAM = fnvString('b:');
const SEED_CHAR = fnvString('c:');
const BIGRAM_SEPARATOR = 0x7c;

export const CUE_ALLCAPS = fnvString('cue:allcaps');
export const CUE_ELONGATED = fnvString('cue:elongated');
export const CUE_EMPTY = fnvString('cue:empty');

export function unigramHash(t: Token): number {
  return unigramHashOf(t.text, t.negated);
}

export function unigramHashOf(text: string, negated: boolean): number {
  return fnvString(text, negated ? SEED_NEG : SEED_WORD);
}

/** The bare word of a hashtag ("#delayed" also counts as "delayed"). */
export function wordHash(word: string): number {
  return fnvString(word, SEED_WORD);
}

export function bigramHash(a: Token, b: Token): number {
  return bigramHashFrom(bigramSeed(a.text), b.text);
}

/** The hash state after the first word of a bigram: computed once per word at inference. */
export function bigramSeed(first: string): number {
  return fnvStep(fnvString(first, SEED_BIGRAM), BIGRAM_SEPARATOR);
}

export function bigramHashFrom(seed: number, second: string): number {
  return fnvString(second, seed);
}

/** The text whose character n-grams are features, or null for tokens without them. */
export function charGramBody(t: Token): string | null {
  if (t.kind === 'word') return t.text;
  if (t.kind === 'hashtag') return t.text.slice(1);
  return null;
}

/** Calls `emit` with the hash of every n-gram (charMin..charMax) of `<word>`. */
export function forEachCharGram(word: string, cfg: FeatureConfig, emit: (hash: number) => void): void {
  if (cfg.charMin <= 0 || cfg.charMax < cfg.charMin) return;
  const padded = `<${word}>`;
  const len = padded.length;
  for (let i = 0; i < len; i++) {
    let h = SEED_CHAR;
    const end = Math.min(len, i + cfg.charMax);
    for (let j = i; j < end; j++) {
      h = fnvStep(h, padded.charCodeAt(j));
      if (j - i + 1 >= cfg.charMin) emit(h >>> 0);
    }
  }
}

/** All feature hashes of a tokenized text (with repeats: values are counts). */
export function extractFeatures(tokens: readonly Token[], cfg: FeatureConfig): number[] {
  const out: number[] = [];
  const emit = (h: number): void => {
    out.push(h);
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    out.push(unigramHash(t));
    const body = charGramBody(t);
    if (body !== null) {
      if (t.kind === 'hashtag') out.push(wordHash(body));
      forEachCharGram(body, cfg, emit);
      if (t.allCaps) out.push(CUE_ALLCAPS);
      if (t.elongated) out.push(CUE_ELONGATED);
    }
    if (cfg.bigrams && i > 0) out.push(bigramHash(tokens[i - 1] as Token, t));
  }
  if (tokens.length === 0) out.push(CUE_EMPTY);
  return out;
}
