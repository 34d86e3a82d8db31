// Reasons for a label: the tokens whose weights pushed hardest towards the chosen class
// (relative to the other classes of the same head).
import type { Scored } from '../model/score';
import type { Head } from '../types';

export function tokenReasons(scored: Scored, columns: number, head: Head, classIndex: number, limit = 3): string[] {
  const K = head.classes.length;
  const n = scored.tokens.length;
  if (K < 2 || n === 0) return [];
  const picks: Array<{ i: number; score: number }> = [];
  for (let i = 0; i < n; i++) {
    const base = i * columns + head.offset;
    let others = 0;
    for (let k = 0; k < K; k++) if (k !== classIndex) others += scored.perToken[base + k] as number;
    const score = (scored.perToken[base + classIndex] as number) - others / (K - 1);
    if (score > 0.05) picks.push({ i, score });
  }
  picks.sort((a, b) => b.score - a.score || a.i - b.i);
  const seen = new Set<string>();
  const reasons: string[] = [];
  for (const p of picks) {
    const t = scored.tokens[p.i];
    if (!t) continue;
    const label = t.negated ? `${t.raw} (negated)` : t.raw;
    const key = label.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    reasons.push(`"${label}" +${p.score.toFixed(2)}`);
    if (reasons.length >= limit) break;
  }
  return reasons;
}
