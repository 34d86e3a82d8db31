// A hand-written scanner for tweet text (a single regex with Unicode classes was 3x slower).
// It splits text into raw spans with a kind; tokenize.ts turns spans into normalised tokens.

export type SpanKind = 'word' | 'mention' | 'url' | 'hashtag' | 'emoji' | 'emoticon' | 'number' | 'punct';

export interface Span {
  kind: SpanKind;
  start: number;
  end: number;
}

const LETTER = /[\p{L}\p{M}]/u;
const PICTO = /\p{Extended_Pictographic}/u;
const MODIFIER = /\p{Emoji_Modifier}/u;

function isAsciiLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordChar(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === 95;
}

function isLetterAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 128) return isAsciiLetter(c);
  return LETTER.test(String.fromCodePoint(s.codePointAt(i) ?? c));
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 160 || c === 0x2028;
}

function isNotSpace(c: number): boolean {
  return !isSpace(c);
}

function isBang(c: number): boolean {
  return c === 33 || c === 63;
}

function isClausePunct(c: number): boolean {
  return c === 46 || c === 44 || c === 59 || c === 58 || c === 0x2026;
}

function codeLength(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}

const EYES = ':;=8';
const MOUTHS = ')](/[dDpP|\\3*';

/** Length of an emoticon such as ":)", ";-D", ":'(", "<3" at i, or 0. */
function emoticonAt(s: string, i: number): number {
  if (s.charCodeAt(i) === 60 && s.charCodeAt(i + 1) === 51) return 2; // <3
  if (!EYES.includes(s.charAt(i))) return 0;
  let j = i + 1;
  if ("-o*'".includes(s.charAt(j)) && s.charAt(j) !== '') j++;
  const m = s.charAt(j);
  if (m === '' || !MOUTHS.includes(m)) return 0;
  // ":D" must not be the start of a word (":Delta") nor "8)" a number in a list.
  const next = s.charCodeAt(j + 1);
  if (isWordChar(next)) return 0;
  if (s.charAt(i) === '8' && i > 0 && !isSpace(s.charCodeAt(i - 1))) return 0;
  return j + 1 - i;
}

/** "http://" or "https://" (any case) at i. */
function isUrlStart(s: string, i: number): boolean {
  if ((s.charCodeAt(i + 1) | 32) !== 116 || (s.charCodeAt(i + 2) | 32) !== 116 || (s.charCodeAt(i + 3) | 32) !== 112) return false;
  let j = i + 4;
  if ((s.charCodeAt(j) | 32) === 115) j++;
  return s.charCodeAt(j) === 58 && s.charCodeAt(j + 1) === 47 && s.charCodeAt(j + 2) === 47;
}

function scanWhile(s: string, i: number, test: (c: number) => boolean): number {
  while (i < s.length && test(s.charCodeAt(i))) i++;
  return i;
}

function scanWord(s: string, i: number): number {
  let j = i;
  for (;;) {
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if (c < 128) {
        if (!isWordChar(c)) break;
        j++;
      } else if (isLetterAt(s, j)) j += codeLength(s, j);
      else break;
    }
    const c = s.charCodeAt(j);
    if ((c === 39 || c === 0x2019) && j + 1 < s.length && isLetterAt(s, j + 1)) {
      j++;
      continue;
    }
    return j;
  }
}

function scanNumber(s: string, i: number): number {
  let j = i;
  if (s.charCodeAt(j) === 36) j++;
  j = scanWhile(s, j, isDigit);
  while ((s.charAt(j) === '.' || s.charAt(j) === ',' || s.charAt(j) === ':') && isDigit(s.charCodeAt(j + 1))) j = scanWhile(s, j + 1, isDigit);
  // Units glued to numbers ("1am", "30min", "2hrs", "50%") stay one token.
  const unit = /^(?:%|am|pm|hrs?|hours?|mins?|k|h|m)(?![A-Za-z0-9_])/i.exec(s.slice(j, j + 6));
  return unit ? j + unit[0].length : j;
}

function scanEmoji(s: string, i: number): number {
  let j = i + codeLength(s, i);
  for (;;) {
    const c = s.charCodeAt(j);
    if (c === 0xfe0f) j++;
    else if (c === 0x200d && j + 1 < s.length && PICTO.test(String.fromCodePoint(s.codePointAt(j + 1) ?? 0))) j += 1 + codeLength(s, j + 1);
    else if (j < s.length && c >= 0xd800 && MODIFIER.test(String.fromCodePoint(s.codePointAt(j) ?? 0))) j += 2;
    else return j;
  }
}

/** Reusable span storage: scanning a message allocates no per-span objects. */
export interface SpanBuffer {
  n: number;
  kinds: SpanKind[];
  start: Int32Array;
  end: Int32Array;
}

export function createSpanBuffer(): SpanBuffer {
  return { n: 0, kinds: [], start: new Int32Array(64), end: new Int32Array(64) };
}

function push(buf: SpanBuffer, kind: SpanKind, start: number, end: number): void {
  if (buf.n === buf.start.length) {
    const start2 = new Int32Array(buf.n * 2);
    start2.set(buf.start);
    const end2 = new Int32Array(buf.n * 2);
    end2.set(buf.end);
    buf.start = start2;
    buf.end = end2;
  }
  buf.kinds[buf.n] = kind;
  buf.start[buf.n] = start;
  buf.end[buf.n] = end;
  buf.n++;
}

export function scan(s: string): Span[] {
  const buf = createSpanBuffer();
  scanInto(s, buf);
  const spans: Span[] = [];
  for (let k = 0; k < buf.n; k++) spans.push({ kind: buf.kinds[k] as SpanKind, start: buf.start[k] as number, end: buf.end[k] as number });
  return spans;
}

export function scanInto(s: string, buf: SpanBuffer): void {
  buf.n = 0;
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    let end: number;
    let kind: SpanKind;
    const emoticon = emoticonAt(s, i);
    const next = s.charCodeAt(i + 1);
    if ((c === 104 || c === 72) && isUrlStart(s, i)) {
      kind = 'url';
      end = scanWhile(s, i, isNotSpace);
    } else if ((c === 119 || c === 87) && /^www\.\w/i.test(s.slice(i, i + 5))) {
      kind = 'url';
      end = scanWhile(s, i, isNotSpace);
    } else if (c === 64 && isWordChar(next)) {
      kind = 'mention';
      end = scanWhile(s, i + 1, isWordChar);
    } else if (c === 35 && (isWordChar(next) || (next >= 128 && isLetterAt(s, i + 1)))) {
      kind = 'hashtag';
      end = scanWord(s, i + 1);
    } else if (emoticon > 0) {
      kind = 'emoticon';
      end = i + emoticon;
    } else if (isDigit(c) || (c === 36 && isDigit(next))) {
      kind = 'number';
      end = scanNumber(s, i);
      // "2nd", "b4u": digits glued to letters are words.
      if (end < n && isWordChar(s.charCodeAt(end))) {
        kind = 'word';
        end = scanWord(s, c === 36 ? i + 1 : i);
      }
    } else if (isWordChar(c) || (c >= 128 && isLetterAt(s, i))) {
      kind = 'word';
      end = scanWord(s, i);
    } else if (c >= 0x2000 && PICTO.test(String.fromCodePoint(s.codePointAt(i) ?? c))) {
      kind = 'emoji';
      end = scanEmoji(s, i);
    } else if (c === 33 || c === 63) {
      kind = 'punct';
      end = scanWhile(s, i, isBang);
    } else if (c === 46 || c === 44 || c === 59 || c === 58 || c === 0x2026) {
      kind = 'punct';
      end = scanWhile(s, i, isClausePunct);
    } else {
      i += codeLength(s, i);
      continue;
    }
    if (end <= i) end = i + codeLength(s, i); // always make progress
    push(buf, kind, i, end);
    i = end;
  }
}
