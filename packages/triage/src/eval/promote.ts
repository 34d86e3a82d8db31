// Promotion gate for retrained models: a candidate replaces the current model only if it is not
// worse on the same held-back slice.
import type { EvalReport } from '../types';

const METRICS = ['accuracy', 'macro_f1', 'reason_accuracy', 'needs_response_f1'] as const;

export function shouldPromote(candidate: EvalReport, current: EvalReport, tolerance = 0): boolean {
  if (candidate.n !== current.n || candidate.n === 0) return false;
  return METRICS.every((metric) => {
    const c = candidate[metric];
    const p = current[metric];
    if (p === null) return true;
    if (c === null) return false;
    return c >= p - tolerance;
  });
}
