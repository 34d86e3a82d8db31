// Reasons for a label: the tokens whose weights pushed hardest towards the chosen class,
// relative to the other classes of the same head.
import { tokenMargins, type Scored } from '../model/score';
import { rawOf, type TokenBuffer } from '../text/tokenize';
import type { Head, TriageModel } from '../types';

const LIMIT = 3;
const MIN_SCORE = 0.05;

export function tokenReasons(model: TriageModel, scored: Scored, head: Head, classIndex: number): string[] {
  const K = head.classes.length;
  const tokens = scored.tokens;
  if (K < 2 || tokens.n === 0) return [];
  const margins = tokenMargins(model, scored, head, classIndex);
  // Top-LIMIT by insertion into small fixed arrays: no sorting, no per-token objects.
  const bestIdx = [-1, -1, -1];
  const bestScore = [MIN_SCORE, MIN_SCORE, MIN_SCORE];
  for (let i = 0; i < tokens.n; i++) {
    const score = margins[i] as number;
    if (score <= (bestScore[LIMIT - 1] as number)) continue;
    if (isDuplicate(tokens, bestIdx, i)) continue;
    let pos = LIMIT - 1;
    while (pos > 0 && score > (bestScore[pos - 1] as number)) {
      bestScore[pos] = bestScore[pos - 1] as number;
      bestIdx[pos] = bestIdx[pos - 1] as number;
      pos--;
    }
    bestScore[pos] = score;
    bestIdx[pos] = i;
  }
  const reasons: string[] = [];
  for (let p = 0; p < LIMIT; p++) {
    const i = bestIdx[p] as number;
    if (i < 0) break;
    const raw = rawOf(tokens, i);
    reasons.push(`"${tokens.negated[i] === 1 ? `${raw} (negated)` : raw}" +${twoDecimals(bestScore[p] as number)}`);
  }
  return reasons;
}

/** The same text as `${Math.round(x * 100) / 100}` for x >= 0, without formatting a double. */
function twoDecimals(x: number): string {
  const i = Math.round(x * 100);
  const whole = Math.floor(i / 100);
  const frac = i % 100;
  if (frac === 0) return `${whole}`;
  if (frac % 10 === 0) return `${whole}.${frac / 10}`;
  return `${whole}.${frac < 10 ? '0' : ''}${frac}`;
}

function isDuplicate(tokens: TokenBuffer, picked: number[], i: number): boolean {
  const text = tokens.lex[i]?.text;
  for (const j of picked) if (j >= 0 && tokens.lex[j]?.text === text) return true;
  return false;
}
