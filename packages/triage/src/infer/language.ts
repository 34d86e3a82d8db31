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

// Frequent English words that are rare as words in the other candidate languages (so no "a",
// "in", "me", "so", "die"): a hit is strong evidence; franc only sees what these cannot settle.
const ENGLISH = new Set(
  (
    "i i'm i've i'll i'd you you're your yours we we're our us they they're their them he she his her it it's its " +
    'the to of and on at be is are was were been being am have has had having do does did done doing will would ' +
    "shall should can could may might must can't don't didn't won't isn't wasn't aren't doesn't haven't couldn't " +
    'this that these those there here what when where why how who which whom whose if or but because so than then ' +
    'with without for from by about into over after before again still just only also very really too much many ' +
    'more most some any no not never ever always all each every both other another same such own new old good bad ' +
    'great best worst better worse love like hate thanks thank thx please sorry yes yeah ok okay well now today ' +
    'tonight tomorrow yesterday week day days hour hours minutes time times morning night back out up down off ' +
    'get got getting go going gone went come coming came make made take took give gave know knew think want need ' +
    'help call called calling phone email wait waiting waited said say says tell told ask asked see seen look ' +
    'flight flights flying fly flew plane airline airport gate seat seats bag bags baggage luggage ticket tickets ' +
    'booked booking book change changed refund cancel cancelled canceled delayed delay late early crew service ' +
    'customer customers staff agent agents line hold trip travel home first last next one two three guys awesome ' +
    'amazing nice happy sad terrible horrible ridiculous unacceptable disappointed fail fun cool lol omg my me'
  ).split(' '),
);

const NON_LATIN = /[^\u0020-\u024f\u1e00-\u1eff\u2000-\u206f]/u;

export function isEnglishWord(word: string): boolean {
  return ENGLISH.has(word);
}

export function isNonLatinWord(word: string): boolean {
  return NON_LATIN.test(word);
}

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
  return languageOf(words, english, nonLatin);
}

/**
 * @param words the message's words (hashtags without '#')
 * @param english how many of them are in the English list
 * @param nonLatin whether any non-English word has a non-Latin character
 */
export function languageOf(words: readonly string[], english: number, nonLatin: boolean): LanguageGuess {
  if (words.length === 0) return { value: 'und', confidence: 0 };
  const ratio = english / words.length;
  if (!nonLatin && english >= 1 && (ratio >= 0.2 || english >= 3)) {
    return { value: 'eng', confidence: round(Math.min(0.99, 0.55 + ratio)) };
  }
  // Trigram statistics say little about two or three Latin-script words (franc called most
  // such tweets French or Tagalog): better to admit we do not know.
  if (!nonLatin && words.length <= 3) return { value: 'und', confidence: 0 };
  const ranked = francAll(words.join(' '), { only: CANDIDATES, minLength: 8 });
  const [top, second] = ranked;
  if (!top || top[0] === 'und') return { value: 'und', confidence: 0 };
  const gap = second ? top[1] - second[1] : 1;
  return { value: top[0], confidence: round(Math.max(0.05, Math.min(0.95, 0.3 + gap))) };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
