// Per-lexeme facts used by the rule-based labels (English word? non-Latin script? lexicon phrases
// starting here?), computed once per spelling rather than once per occurrence.
import type { Lexeme } from '../text/lexeme';
import { isEnglishWord, isNonLatinWord } from './language';
import { cueEntriesFor, type CueEntry } from './lexicons';

export interface WordFacts {
  english: boolean;
  nonLatin: boolean;
  cues: readonly CueEntry[] | undefined;
}

/** Facts of a word or hashtag lexeme (`word` is its `lex.word`), memoised on the lexeme. */
export function wordFacts(lex: Lexeme, word: string): WordFacts {
  // Only this module writes lex.facts, always a WordFacts.
  let f = lex.facts as WordFacts | null;
  if (f === null) {
    const english = isEnglishWord(word);
    f = { english, nonLatin: !english && isNonLatinWord(word), cues: cueEntriesFor(word) };
    lex.facts = f;
  }
  return f;
}
