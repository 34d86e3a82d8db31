// Urgency/risk 0..100: additive, capped signals, each reported as a reason so agents can see
// why a message jumped the queue.
import type { TriageInput } from '../types';
import type { CueMatches } from './lexicons';

export interface UrgencySignals {
  input: TriageInput;
  pNegative: number;
  cues: CueMatches;
  shouting: boolean;
}

export interface Urgency {
  score: number;
  reasons: string[];
}

function reach(followers: number): number {
  if (followers >= 1_000_000) return 25;
  if (followers >= 100_000) return 18;
  if (followers >= 10_000) return 10;
  if (followers >= 1_000) return 4;
  return 0;
}

function virality(threadSize: number): number {
  if (threadSize >= 100) return 15;
  if (threadSize >= 20) return 10;
  if (threadSize >= 5) return 5;
  return 0;
}

interface Tally {
  score: number;
  reasons: string[];
}

function add(t: Tally, points: number, reason: string): void {
  if (points <= 0) return;
  t.score += points;
  t.reasons.push(`${reason} (+${points})`);
}

export function scoreUrgency(s: UrgencySignals): Urgency {
  const t: Tally = { score: 0, reasons: [] };
  if (s.pNegative >= 0.5) add(t, Math.round(s.pNegative * 20), `negative sentiment ${s.pNegative.toFixed(2)}`);
  const followers = s.input.authorFollowers ?? 0;
  const reachPoints = reach(followers);
  if (reachPoints > 0) add(t, reachPoints, `author reach: ${Math.round(followers).toLocaleString('en-US')} followers`);
  const { legal, safety, churn, repeat, profanity } = s.cues;
  if (legal) add(t, 25, `legal words: ${legal.join(', ')}`);
  if (safety) add(t, 25, `safety/health words: ${safety.join(', ')}`);
  if (churn) add(t, 15, `threatens to leave or go public: ${churn.join(', ')}`);
  const prior = s.input.priorInboundCount ?? 0;
  if (prior > 0) add(t, Math.min(20, 6 * prior), `repeated contact: ${prior} earlier message${prior === 1 ? '' : 's'}`);
  if (repeat && s.pNegative >= 0.5) add(t, 6, `says it is not the first time: ${repeat.join(', ')}`);
  if (profanity) add(t, 8, `profanity: ${profanity.join(', ')}`);
  const thread = s.input.threadSize ?? 0;
  const viralPoints = virality(thread);
  if (viralPoints > 0) add(t, viralPoints, `thread has ${thread} messages`);
  if (s.shouting) add(t, 4, 'shouting (ALL CAPS or !!!)');
  if (s.input.isPublic === true && s.pNegative >= 0.5) add(t, 5, 'public complaint');
  return { score: Math.max(0, Math.min(100, Math.round(t.score))), reasons: t.reasons };
}
