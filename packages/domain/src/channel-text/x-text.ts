import { splitText } from './text-split';

/** X's post limit in weighted characters; every URL counts as a t.co link of 23. */
export const X_MAX_POST_LENGTH = 280;
export const X_URL_LENGTH = 23;
export const X_MAX_DM_LENGTH = 10_000;

// twitter-text v3: these code point ranges weigh 1, everything else (CJK, emoji) weighs 2.
const LIGHT_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|ly|me|app|dev|info|biz|us|uk|de|fr)\b(?:\/[^\s]*)?/gi;
const EMOJI_RE = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function weightOfCodePoint(cp: number): number {
  return LIGHT_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi) ? 1 : 2;
}

function weightOfText(text: string): number {
  let total = 0;
  for (const { segment } of segmenter.segment(text)) {
    if (EMOJI_RE.test(segment)) {
      total += 2;
      continue;
    }
    for (const ch of segment) total += weightOfCodePoint(ch.codePointAt(0) ?? 0);
  }
  return total;
}

/** Length of a post as X counts it (NFC-normalised, URLs as 23, heavy characters as 2). */
export function xWeightedLength(text: string): number {
  const normal = text.normalize('NFC');
  let total = 0;
  let last = 0;
  for (const m of normal.matchAll(URL_RE)) {
    total += weightOfText(normal.slice(last, m.index)) + X_URL_LENGTH;
    last = m.index + m[0].length;
  }
  return total + weightOfText(normal.slice(last));
}

/** A public reply as one or more posts, numbered "(1/3)" when it has to become a thread. */
export function splitForX(text: string): string[] {
  return splitText(text, { measure: xWeightedLength, maxLength: X_MAX_POST_LENGTH, numbered: true });
}
