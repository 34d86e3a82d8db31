// triage(): every label for one message, each with a confidence and the reasons behind it.
import { argmax, headProbabilities, scoreTokens, tokenContributions } from '../model/score';
import { tokenize, type Token } from '../text/tokenize';
import type { Intent, Label, Sentiment, TriageInput, TriageModel, TriageResult } from '../types';
import { tokenReasons } from './explain';
import { inferIntent } from './intent';
import { detectLanguage } from './language';
import { matchCues, QUESTION_OPENERS } from './lexicons';
import { scoreUrgency } from './urgency';

export interface TriageDetail {
  result: TriageResult;
  /** Most likely topic ignoring the topic gate (used to score reason accuracy). */
  topicGivenAny: string | null;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

export function triage(model: TriageModel, input: TriageInput): TriageResult {
  return triageDetailed(model, input).result;
}

export function triageDetailed(model: TriageModel, input: TriageInput): TriageDetail {
  const tokens = tokenize(input.text);
  const scored = scoreTokens(model, tokens);
  const { heads, columns } = model;
  const contrib = tokenContributions(model, scored, 0, columns);

  const pSent = headProbabilities(heads.sentiment, scored.logits);
  const sIdx = argmax(pSent);
  const sentiment: Label<Sentiment> = {
    value: heads.sentiment.classes[sIdx] as Sentiment,
    confidence: r2(pSent[sIdx] as number),
    reasons: tokenReasons(tokens, contrib, columns, heads.sentiment, sIdx),
  };

  const { topic, topicGivenAny } = topicLabel(model, scored.logits, tokens, contrib);

  const words: string[] = [];
  let hasQuestionMark = false;
  let urls = 0;
  let hashtags = 0;
  let shouting = false;
  let firstWord: string | null = null;
  for (const t of tokens) {
    if (t.kind === 'word') {
      words.push(t.text);
      firstWord ??= t.text;
      if (t.allCaps && t.text.length >= 4) shouting = true;
    } else if (t.kind === 'hashtag') {
      words.push(t.text.slice(1));
      hashtags++;
    } else if (t.kind === 'url') urls++;
    else if (t.kind === 'punct') {
      if (t.text.includes('?')) hasQuestionMark = true;
      if (t.text.startsWith('!!')) shouting = true;
    }
  }
  const cues = matchCues(words);
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
    reasons: intent.value === 'spam' ? ['looks like spam'] : tokenReasons(tokens, contrib, columns, heads.needsResponse, needsYes ? 1 : 0),
  };

  const result: TriageResult = {
    sentiment,
    topic,
    needsResponse,
    intent,
    urgency: scoreUrgency({ input, pNegative, cues, shouting }),
    language: detectLanguage(tokens),
    modelVersion: model.info.version,
  };
  return { result, topicGivenAny };
}

function topicLabel(model: TriageModel, logits: Float64Array, tokens: Token[], contrib: Float64Array): { topic: Label<string | null>; topicGivenAny: string | null } {
  const { topic: head, topicGate: gate } = model.heads;
  if (head.classes.length === 0) return { topic: { value: null, confidence: 1, reasons: ['model has no topics'] }, topicGivenAny: null };
  const pTopic = headProbabilities(head, logits);
  const tIdx = argmax(pTopic);
  const topicGivenAny = head.classes[tIdx] as string;
  const pGate = headProbabilities(gate, logits);
  const pAny = pGate[1] as number;
  if (pAny < 0.5) {
    return {
      topic: { value: null, confidence: r2(1 - pAny), reasons: tokenReasons(tokens, contrib, model.columns, gate, 0) },
      topicGivenAny,
    };
  }
  return {
    topic: {
      value: topicGivenAny,
      confidence: r2(pAny * (pTopic[tIdx] as number)),
      reasons: tokenReasons(tokens, contrib, model.columns, head, tIdx),
    },
    topicGivenAny,
  };
}
