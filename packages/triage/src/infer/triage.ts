// triage(): every label for one message, each with a confidence and the reasons behind it.
import { argmax, headProbabilities, scoreMessage, type Scored } from '../model/score';
import type { Lexeme } from '../text/lexeme';
import type { Intent, Label, Sentiment, TriageInput, TriageModel, TriageResult } from '../types';
import { tokenReasons } from './explain';
import { inferIntent } from './intent';
import { languageOf } from './language';
import { matchCuesWith, QUESTION_OPENERS, type CueEntry } from './lexicons';
import { scoreUrgency } from './urgency';
import { wordFacts } from './word-facts';

export interface TriageDetail {
  result: TriageResult;
  /** Most likely topic ignoring the topic gate (used to score reason accuracy). */
  topicGivenAny: string | null;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

// Lexicon phrases starting at each word; reused (triage is synchronous).
const cueStarts: Array<readonly CueEntry[] | undefined> = [];

export function triage(model: TriageModel, input: TriageInput): TriageResult {
  return triageDetailed(model, input).result;
}

export function triageDetailed(model: TriageModel, input: TriageInput): TriageDetail {
  const scored = scoreMessage(model, input.text);
  const { heads } = model;

  const pSent = headProbabilities(heads.sentiment, scored.logits);
  const sIdx = argmax(pSent);
  const sentiment: Label<Sentiment> = {
    value: heads.sentiment.classes[sIdx] as Sentiment,
    confidence: r2(pSent[sIdx] as number),
    reasons: tokenReasons(model, scored, heads.sentiment, sIdx),
  };

  const { topic, topicGivenAny } = topicLabel(model, scored);

  const tokens = scored.tokens;
  const words: string[] = [];
  cueStarts.length = 0;
  let anyCue = false;
  let english = 0;
  let nonLatin = false;
  let hasQuestionMark = false;
  let urls = 0;
  let hashtags = 0;
  let shouting = false;
  let firstWord: string | null = null;
  for (let i = 0; i < tokens.n; i++) {
    const lex = tokens.lex[i] as Lexeme;
    const kind = lex.kind;
    if (lex.word !== null) {
      const f = wordFacts(lex, lex.word);
      if (f.cues !== undefined) {
        cueStarts[words.length] = f.cues;
        anyCue = true;
      }
      words.push(lex.word);
      if (f.english) english++;
      else if (f.nonLatin) nonLatin = true;
      if (kind === 'word') {
        firstWord ??= lex.word;
        if (lex.allCaps && lex.text.length >= 4) shouting = true;
      } else hashtags++;
    } else if (kind === 'url') urls++;
    else if (kind === 'punct') {
      if (lex.text.includes('?')) hasQuestionMark = true;
      if (lex.text.startsWith('!!')) shouting = true;
    }
  }
  cueStarts.length = words.length;
  const cues = anyCue ? matchCuesWith(words, cueStarts) : {};
  const pNegative = pSent[0] as number;
  const intent: Label<Intent> = inferIntent({
    pNegative,
    pNeutral: pSent[1] as number,
    pPositive: pSent[2] as number,
    hasQuestionMark,
    opensWithQuestionWord: firstWord !== null && QUESTION_OPENERS.has(firstWord) && words.length >= 3,
    cues,
    urls,
    hashtags,
  });

  const pNeeds = headProbabilities(heads.needsResponse, scored.logits);
  const needsYes = (pNeeds[1] as number) >= 0.5 && intent.value !== 'spam';
  const needsResponse: Label<boolean> = {
    value: needsYes,
    confidence: r2(needsYes ? (pNeeds[1] as number) : Math.max(pNeeds[0] as number, intent.value === 'spam' ? intent.confidence : 0)),
    reasons: intent.value === 'spam' ? ['looks like spam'] : tokenReasons(model, scored, heads.needsResponse, needsYes ? 1 : 0),
  };

  const result: TriageResult = {
    sentiment,
    topic,
    needsResponse,
    intent,
    urgency: scoreUrgency({ input, pNegative, cues, shouting }),
    language: languageOf(words, english, nonLatin),
    modelVersion: model.info.version,
  };
  return { result, topicGivenAny };
}

function topicLabel(model: TriageModel, scored: Scored): { topic: Label<string | null>; topicGivenAny: string | null } {
  const { topic: head, topicGate: gate } = model.heads;
  if (head.classes.length === 0) return { topic: { value: null, confidence: 1, reasons: ['model has no topics'] }, topicGivenAny: null };
  const pTopic = headProbabilities(head, scored.logits);
  const tIdx = argmax(pTopic);
  const topicGivenAny = head.classes[tIdx] as string;
  const pGate = headProbabilities(gate, scored.logits);
  const pAny = pGate[1] as number;
  if (pAny < 0.5) {
    return { topic: { value: null, confidence: r2(1 - pAny), reasons: tokenReasons(model, scored, gate, 0) }, topicGivenAny };
  }
  return {
    topic: { value: topicGivenAny, confidence: r2(pAny * (pTopic[tIdx] as number)), reasons: tokenReasons(model, scored, head, tIdx) },
    topicGivenAny,
  };
}
