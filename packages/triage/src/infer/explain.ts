// Reasons for a label: the tokens whose weights pushed hardest towards the chosen class,
// relative to the other classes of the same head.
import type { Token } from '../text/tokenize';
import type { Head } from '../types';

const LIMIT = 3;
const MIN_SCORE = 0.05;

/**
 * @param contrib per-token contributions to every column (tokenContributions(…, 0, columns))
 */
export function tokenReasons(tokens: readonly Token[], contrib: Float64Array, columns: number, head: Head, classIndex: number): string[] {
  const K = head.classes.length;
  if (K < 2 || tokens.length === 0) return [];
  // Top-LIMIT by insertion into small fixed arrays: no sorting, no per-token objects.
  const bestIdx = [-1, -1, -1];
  const bestScore = [MIN_SCORE, MIN_SCORE, MIN_SCORE];
  for (let i = 0; i < tokens.length; i++) {
    const base = i * columns + head.offset;
    let others = 0;
    for (let k = 0; k < K; k++) if (k !== classIndex) others += contrib[base + k] as number;
    const score = (contrib[base + classIndex] as number) - others / (K - 1);
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
    const t = tokens[bestIdx[p] as number];
    if (!t) break;
    reasons.push(`"${t.negated ? `${t.raw} (negated)` : t.raw}" +${Math.round((bestScore[p] as number) * 100) / 100}`);
  }
  return reasons;
}

function isDuplicate(tokens: readonly Token[], picked: number[], i: number): boolean {
  const text = (tokens[i] as Token).text;
  for (const j of picked) if (j >= 0 && (tokens[j] as Token).text === text) return true;
  return false;
}
