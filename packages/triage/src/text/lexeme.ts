// Lexemes: one interned record per distinct token spelling, so the per-word work of tokenizing
// (lower-casing, elongation, ALL-CAPS, negators) and of scoring (weight sums, word facts) is done
// once per spelling rather than once per occurrence. Ids index per-model caches (model/score.ts).
import type { SpanKind } from './scan';

export interface Lexeme {
  /** Dense id, unique within the current epoch. */
  id: number;
  kind: SpanKind;
  /** Normalised form used for features: lower-case, elongation collapsed, `<url>`, `<user>` … */
  text: string;
  /** The word behind word and hashtag tokens ("#delayed" → "delayed"), otherwise null. */
  word: string | null;
  elongated: boolean;
  allCaps: boolean;
  /** Starts a negation scope ("not", "never", "n't" …). */
  negator: boolean;
  /** The spelling this lexeme was interned under. */
  raw: string;
  /** Model-independent facts other layers memoise per lexeme (see infer/word-facts.ts). */
  facts: object | null;
}

const NEGATORS = new Set([
  'not', 'no', 'never', 'nothing', 'nobody', 'none', 'nowhere', 'neither', 'nor', 'cannot', 'without',
  'cant', 'dont', 'wont', 'didnt', 'doesnt', 'isnt', 'wasnt', 'arent', 'werent', 'havent', 'hasnt',
  'hadnt', 'couldnt', 'shouldnt', 'wouldnt', 'aint',
]);

const ELONGATED = /(\p{L})\1{2,}/gu;
const EMOJI_VARIATION = /\uFE0F|\p{Emoji_Modifier}/gu;
const HAPPY = /^[:;=8][-o*']?[)\]dDpP3*]$|^<3$/;

export function isNegator(word: string): boolean {
  return NEGATORS.has(word) || (word.length > 3 && word.charCodeAt(word.length - 2) === 39 && word.endsWith("n't"));
}

function hasTriple(s: string): boolean {
  for (let i = 2; i < s.length; i++) if (s.charCodeAt(i) === s.charCodeAt(i - 1) && s.charCodeAt(i) === s.charCodeAt(i - 2)) return true;
  return false;
}

// Bounded: an adversarial stream of unique words must not grow memory without limit. Clearing
// starts a new epoch, which tells the per-model caches keyed by id to start over too.
const LIMIT = 60_000;
let epoch = 0;
const lexemes: Lexeme[] = [];
// Open-addressing table over (kind, raw text): [hash, lexeme index + 1] per slot (0 = empty).
// Looked up straight from the message text, so a word seen before costs no string allocation.
const slots = new Int32Array(2 << 17);
const MASK = (1 << 17) - 1;
// One message may add lexemes past LIMIT (rotation waits for the next message); past HARD_LIMIT
// they are no longer interned, so the table never fills up.
const HARD_LIMIT = 2 * LIMIT;
let fixed = new Map<SpanKind, Lexeme>();

export function lexemeEpoch(): number {
  return epoch;
}

/** Called before each message (never mid-message, so ids within one message share an epoch). */
export function rotateLexemesIfFull(): void {
  if (lexemes.length < LIMIT) return;
  epoch++;
  lexemes.length = 0;
  slots.fill(0);
  fixed = new Map();
}

function make(kind: SpanKind, raw: string, text: string, word: string | null, elongated: boolean, allCaps: boolean): Lexeme {
  return { id: lexemes.length, kind, text, word, elongated, allCaps, negator: kind === 'word' && isNegator(text), raw, facts: null };
}

function wordLexeme(raw: string): Lexeme {
  const lowered = raw.toLowerCase();
  const lower = lowered.includes('’') ? lowered.replace(/’/g, "'") : lowered;
  const norm = hasTriple(lower) ? lower.replace(ELONGATED, '$1$1') : lower;
  const allCaps = raw.length >= 3 && raw !== lower && raw === raw.toUpperCase();
  return make('word', raw, norm, norm, norm !== lower, allCaps);
}

function create(kind: SpanKind, raw: string): Lexeme {
  switch (kind) {
    case 'word':
      return wordLexeme(raw);
    case 'hashtag': {
      const text = raw.toLowerCase();
      return make('hashtag', raw, text, text.slice(1), false, false);
    }
    case 'emoticon':
      return make(kind, raw, HAPPY.test(raw) ? '<smile>' : '<sad>', null, false, false);
    case 'emoji':
      return make(kind, raw, raw.replace(EMOJI_VARIATION, ''), null, false, false);
    default:
      return make(kind, raw, raw.charCodeAt(0) === 33 || raw.charCodeAt(0) === 63 ? raw.slice(0, 3) : raw.slice(0, 1), null, false, false);
  }
}

function sameText(a: string, text: string, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let j = 0; j < a.length; j++) if (a.charCodeAt(j) !== text.charCodeAt(start + j)) return false;
  return true;
}

/** The lexeme of the span text[start, end) of `kind`. */
export function lexemeAt(kind: SpanKind, text: string, start: number, end: number): Lexeme {
  if (kind === 'url' || kind === 'mention' || kind === 'number') {
    let lex = fixed.get(kind);
    if (!lex) {
      lex = make(kind, '', kind === 'url' ? '<url>' : kind === 'mention' ? '<user>' : '<num>', null, false, false);
      lexemes.push(lex);
      fixed.set(kind, lex);
    }
    return lex;
  }
  let h = kind.charCodeAt(0) * 16777619;
  for (let j = start; j < end; j++) h = Math.imul(h ^ text.charCodeAt(j), 16777619);
  let slot = (h ^ (h >>> 15)) & MASK;
  for (;;) {
    const v = slots[slot * 2 + 1] as number;
    if (v === 0) break;
    if (slots[slot * 2] === h) {
      const lex = lexemes[v - 1] as Lexeme;
      if (lex.kind === kind && sameText(lex.raw, text, start, end)) return lex;
    }
    slot = (slot + 1) & MASK;
  }
  const lex = create(kind, text.slice(start, end));
  lexemes.push(lex);
  if (lex.id < HARD_LIMIT) {
    slots[slot * 2] = h;
    slots[slot * 2 + 1] = lex.id + 1;
  }
  return lex;
}
