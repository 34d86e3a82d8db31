// Word and phrase lists behind the rule-based signals (intent, urgency). Matched on the
// tokenizer's normalised text, so "NEVER flying again!!!" matches "never flying again".

export const LEGAL = ['lawyer', 'attorney', 'sue', 'suing', 'lawsuit', 'legal action', 'court', 'small claims', 'dot complaint', 'file a complaint', 'department of transportation', 'faa', 'discrimination', 'discriminated'];
export const SAFETY_HEALTH = [
  'unsafe', 'safety', 'danger', 'dangerous', 'emergency', 'injured', 'injury', 'hurt', 'bleeding', 'ambulance',
  'hospital', 'medical', 'medication', 'allergic', 'allergy', 'sick', 'ill', 'pregnant', 'wheelchair', 'disabled',
  'smoke', 'fire', 'fumes', 'harassed', 'harassment', 'assault', 'assaulted', 'threatened', 'stranded', 'diabetic',
];
export const CHURN_PRESS = [
  'never flying', 'never fly', 'never again', 'last time i', 'switching to', 'switch to', 'switched to', 'lost a customer',
  'lost my business', 'taking my business', 'cancel my account', 'close my account', 'cancel my card', 'done with you',
  'going to the media', 'the press', 'news', 'reporter', 'journalist', 'bbb', 'better business bureau', 'going viral', 'chargeback',
];
export const REPEAT_CONTACT = [
  'again', 'still', 'third time', '3rd time', 'second time', 'no response', 'no reply', 'no answer', 'nobody answers',
  'no one answers', 'keep calling', 'called twice', 'still waiting', 'still no', 'ignored', 'ignoring', 'days now',
];
export const PROFANITY = ['fuck', 'fucking', 'fucked', 'shit', 'shitty', 'bullshit', 'wtf', 'damn', 'crap', 'crappy', 'ass', 'asshole', 'pissed', 'bs', 'sucks', 'screw', 'hell'];
export const IDEA = [
  'suggest', 'suggestion', 'idea', 'feature', 'would be nice', 'would be great', 'would be better', 'would love', 'should have',
  'should add', 'should offer', 'should make', 'please add', 'you should', 'why not', "why don't you", 'how about',
  'consider', 'improve', 'improvement', 'feedback', 'wish you', 'i wish', 'recommend you',
];
export const SPAM = ['giveaway', 'win', 'free', 'follow me', 'follow back', 'followback', 'click', 'promo', 'discount', 'deal', 'deals', 'earn', 'cash', 'bitcoin', 'crypto', 'subscribe', 'check out my', 'dm for', 'cheap'];
export const QUESTION_OPENERS = new Set(['how', 'what', 'when', 'where', 'why', 'who', 'which', 'can', 'could', 'will', 'would', 'is', 'are', 'do', 'does', 'did', 'should', 'may', 'any', 'anyone']);

export type Cue = 'legal' | 'safety' | 'churn' | 'repeat' | 'profanity' | 'idea' | 'spam';

export interface CueEntry {
  words: string[];
  cue: Cue;
  phrase: string;
}

const LISTS: Record<Cue, readonly string[]> = {
  legal: LEGAL,
  safety: SAFETY_HEALTH,
  churn: CHURN_PRESS,
  repeat: REPEAT_CONTACT,
  profanity: PROFANITY,
  idea: IDEA,
  spam: SPAM,
};

// Phrases indexed by their first word: matching costs one map lookup per token.
const BY_FIRST = new Map<string, CueEntry[]>();
for (const [cue, phrases] of Object.entries(LISTS) as Array<[Cue, readonly string[]]>) {
  for (const phrase of phrases) {
    const words = phrase.split(' ');
    const first = words[0] as string;
    const list = BY_FIRST.get(first) ?? [];
    list.push({ words, cue, phrase });
    BY_FIRST.set(first, list);
  }
}

export type CueMatches = Partial<Record<Cue, string[]>>;

/** Phrases that start with `word`, if any. */
export function cueEntriesFor(word: string): readonly CueEntry[] | undefined {
  return BY_FIRST.get(word);
}

/** Lexicon phrases found in a sequence of normalised words. */
export function matchCues(words: readonly string[]): CueMatches {
  return matchCuesWith(words, words.map((w) => BY_FIRST.get(w)));
}

/** matchCues() with each word's cueEntriesFor() already looked up. */
export function matchCuesWith(words: readonly string[], starts: ReadonlyArray<readonly CueEntry[] | undefined>): CueMatches {
  const found: CueMatches = {};
  for (let i = 0; i < words.length; i++) {
    const entries = starts[i];
    if (!entries) continue;
    for (const e of entries) {
      let ok = true;
      for (let j = 1; j < e.words.length && ok; j++) ok = words[i + j] === e.words[j];
      if (!ok) continue;
      const list = found[e.cue] ?? [];
      if (!list.includes(e.phrase)) list.push(e.phrase);
      found[e.cue] = list;
    }
  }
  return found;
}
