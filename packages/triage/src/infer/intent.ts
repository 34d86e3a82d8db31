// Intent from the sentiment probabilities plus question, idea and spam cues. There are no
// intent labels in the training data, so these rules are explicit and their reasons say so.
import type { Intent, Label } from '../types';
import type { CueMatches } from './lexicons';

export interface IntentSignals {
  pNegative: number;
  pPositive: number;
  pNeutral: number;
  hasQuestionMark: boolean;
  opensWithQuestionWord: boolean;
  cues: CueMatches;
  urls: number;
  hashtags: number;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

export function inferIntent(s: IntentSignals): Label<Intent> {
  const spam = s.cues.spam ?? [];
  const spamScore = spam.length + (s.hashtags >= 4 ? 1 : 0) + (s.urls > 0 && spam.length > 0 ? 1 : 0);
  if (spamScore >= 2 && s.pNegative < 0.5) {
    const reasons = [`promotional words: ${spam.join(', ') || 'none'}`];
    if (s.hashtags >= 4) reasons.push(`${s.hashtags} hashtags`);
    if (s.urls > 0) reasons.push('link');
    return { value: 'spam', confidence: r2(Math.min(0.95, 0.5 + 0.15 * spamScore)), reasons };
  }
  const question = s.hasQuestionMark || s.opensWithQuestionWord;
  const questionReason = s.hasQuestionMark ? 'asks a question (?)' : 'opens with a question word';
  const idea = s.cues.idea ?? [];
  // Suggestions often read as mildly negative ("you should add…"): only a strongly negative
  // message with idea words counts as a complaint.
  if (idea.length > 0 && s.pNegative < 0.8) {
    return { value: 'feedback', confidence: r2(Math.min(0.9, 0.55 + 0.1 * idea.length)), reasons: [`suggestion words: ${idea.join(', ')}`] };
  }
  if (s.pNegative >= 0.5) {
    const reasons = [`negative sentiment ${r2(s.pNegative)}`];
    if (question) reasons.push(questionReason);
    return { value: 'complaint', confidence: r2(s.pNegative), reasons };
  }
  if (question) return { value: 'question', confidence: s.hasQuestionMark ? 0.85 : 0.65, reasons: [questionReason] };
  if (s.pPositive >= 0.5) return { value: 'praise', confidence: r2(s.pPositive), reasons: [`positive sentiment ${r2(s.pPositive)}`] };
  return { value: 'other', confidence: r2(Math.max(s.pNeutral, 0.34)), reasons: ['no complaint, question, suggestion or praise found'] };
}
