// Language of a message: franc-min (trigram profiles shipped in its npm package), restricted to
// widely used languages, with a fast path for plainly English text (most inbound traffic) because
// franc is ~50x slower than the rest of triage and unreliable on very short tweets.
import { francAll } from 'franc-min';
import type { Token } from '../text/tokenize';

export interface LanguageGuess {
  /** ISO 639-3 code ('eng', 'spa', …) or 'und' when undetermined. */
  value: string;
  confidence: number;
}

const CANDIDATES = [
  'eng', 'spa', 'por', 'fra', 'deu', 'ita', 'nld', 'swe', 'pol', 'tur', 'ind', 'vie', 'ron', 'hun', 'ces', 'tgl',
  'rus', 'ukr', 'bul', 'arb', 'pes', 'urd', 'hin', 'cmn', 'jpn', 'kor', 'ell', 'heb', 'tha',
];

// Frequent English words that are rare as words in other languages (no "a", "in", "no", "me").
const ENGLISH = new Set(
  (
    'the and you your for with this that have has had was were are is been not but what when why how who ' +
    'just can cant can\'t don\'t didn\'t won\'t it\'s i\'m i\'ve you\'re they we our my they their them there ' +
    'from about would could should will thanks thank please help flight flights delayed late cancelled ' +
    'again still hours hour time today tomorrow yesterday customer service call phone get got any ' +
    'never ever great love good bad worst best really very much because hold waiting wait seat bag ' +
    'bags luggage airport plane crew gate ticket refund book booked booking change back out now'
  ).split(' '),
);

const NON_LATIN = /[^\u0020-\u024f\u1e00-\u1eff\u2000-\u206f]/u;

export function detectLanguage(tokens: readonly Token[]): LanguageGuess {
  const words: string[] = [];
  let english = 0;
  let nonLatin = false;
  for (const t of tokens) {
    if (t.kind !== 'word' && t.kind !== 'hashtag') continue;
    const w = t.kind === 'hashtag' ? t.text.slice(1) : t.text;
    words.push(w);
    if (ENGLISH.has(w)) english++;
    else if (!nonLatin && NON_LATIN.test(w)) nonLatin = true;
  }
  if (words.length === 0) return { value: 'und', confidence: 0 };
  const ratio = english / words.length;
  if (!nonLatin && english >= 1 && (ratio >= 0.25 || english >= 3)) {
    return { value: 'eng', confidence: round(Math.min(0.99, 0.55 + ratio)) };
  }
  const ranked = francAll(words.join(' '), { only: CANDIDATES, minLength: 8 });
  const [top, second] = ranked;
  if (!top || top[0] === 'und') return { value: 'und', confidence: 0 };
  const gap = second ? top[1] - second[1] : 1;
  return { value: top[0], confidence: round(Math.max(0.05, Math.min(0.95, 0.3 + gap))) };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
