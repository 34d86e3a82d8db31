// Tweet-aware tokenizer: mentions, URLs, hashtags, emoji, emoticons, numbers, words with
// apostrophes, elongated words ("soooo"), ALL-CAPS, and negation scope ("not very helpful").
// The hot path (tokenizeInto) fills a reusable buffer of interned lexemes; tokenize() builds
// Token objects from it for training and callers that want them.
import { lexemeAt, rotateLexemesIfFull, type Lexeme } from './lexeme';
import { normalizeText } from './normalize';
import { createSpanBuffer, scanInto, type SpanKind } from './scan';

export { isNegator } from './lexeme';

export type TokenKind = SpanKind;

export interface Token {
  /** Normalised form used for features: lower-case, elongation collapsed, `<url>`, `<user>` … */
  text: string;
  kind: TokenKind;
  /** The text as written (after entity decoding and artefact repair). */
  raw: string;
  /** Inside the scope of a negation ("not", "never", "n't" …) that started earlier in the clause. */
  negated: boolean;
  elongated: boolean;
  allCaps: boolean;
}

/** One message's tokens as parallel arrays; reused from message to message. */
export interface TokenBuffer {
  /** The normalised message text that start/end index into. */
  text: string;
  n: number;
  lex: Lexeme[];
  negated: Uint8Array;
  start: Int32Array;
  end: Int32Array;
}

export function createTokenBuffer(): TokenBuffer {
  return { text: '', n: 0, lex: [], negated: new Uint8Array(64), start: new Int32Array(64), end: new Int32Array(64) };
}

const spans = createSpanBuffer();

/** Tokenizes raw tweet text (entities decoded and artefacts repaired here) into `out`. */
export function tokenizeInto(input: string, out: TokenBuffer): void {
  rotateLexemesIfFull();
  const text = normalizeText(input);
  scanInto(text, spans);
  const n = spans.n;
  if (out.negated.length < n) {
    out.negated = new Uint8Array(n * 2);
    out.start = new Int32Array(n * 2);
    out.end = new Int32Array(n * 2);
  }
  out.text = text;
  out.n = n;
  out.lex.length = n;
  let negating = false;
  for (let k = 0; k < n; k++) {
    const kind = spans.kinds[k] as SpanKind;
    const start = spans.start[k] as number;
    const end = spans.end[k] as number;
    const lex = lexemeAt(kind, text, start, end);
    if (kind === 'punct') negating = false;
    out.lex[k] = lex;
    out.negated[k] = negating && kind === 'word' ? 1 : 0;
    out.start[k] = start;
    out.end[k] = end;
    if (lex.negator) negating = true;
  }
}

/** The text of token k as written. */
export function rawOf(buf: TokenBuffer, k: number): string {
  return buf.text.slice(buf.start[k], buf.end[k]);
}

/** Tokenizes raw tweet text (entities decoded and artefacts repaired here). */
export function tokenize(input: string): Token[] {
  const buf = createTokenBuffer();
  tokenizeInto(input, buf);
  const tokens: Token[] = [];
  for (let k = 0; k < buf.n; k++) {
    const lex = buf.lex[k] as Lexeme;
    tokens.push({ text: lex.text, kind: lex.kind, raw: rawOf(buf, k), negated: buf.negated[k] === 1, elongated: lex.elongated, allCaps: lex.allCaps });
  }
  return tokens;
}
