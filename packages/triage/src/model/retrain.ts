// Retraining a brand's model from the base data plus its agents' corrections, with the promotion
// decision: candidate and baseline are scored on the same fixed held-back slice of the base data.
import { evaluate } from '../eval/evaluate';
import { shouldPromote } from '../eval/promote';
import { SENTIMENTS, type EvalReport, type LabelledRow, type Sentiment, type TriageModel } from '../types';
import { trainModel } from './train';

export interface RetrainOptions {
  /** The base training data (e.g. the airline dev file). Every `heldBackEvery`-th row is held back. */
  base: readonly LabelledRow[];
  corrections: readonly LabelledRow[];
  /** The brand's current model; null when it uses the shipped default (see below). */
  current: TriageModel | null;
  version: string;
  seed?: number;
  /** Weight of each correction in training (default 5). */
  extraWeight?: number;
  /** How much worse than the baseline a metric may be and still count as "not worse" (default 0.01: one point, below the ~1.2-point standard error of accuracy on the ~1,160-row slice). */
  tolerance?: number;
  heldBackEvery?: number;
  now?: Date;
}

export interface RetrainResult {
  candidate: TriageModel;
  candidateReport: EvalReport;
  baselineReport: EvalReport;
  promote: boolean;
}

/** Fixed and deterministic: row i is held back when i % every === 0. */
export function heldBackSplit(rows: readonly LabelledRow[], every = 10): { train: LabelledRow[]; heldBack: LabelledRow[] } {
  const train: LabelledRow[] = [];
  const heldBack: LabelledRow[] = [];
  rows.forEach((r, i) => (i % every === 0 ? heldBack : train).push(r));
  return { train, heldBack };
}

/**
 * Trains a candidate on the base rows (minus the held-back slice) plus the corrections and scores
 * it against the brand's current model on the held-back slice. With no current brand model the
 * baseline is the same training without corrections: the shipped default saw the slice when it
 * was trained, so comparing against it would be unfair to every candidate.
 */
export function retrainWithCorrections(o: RetrainOptions): RetrainResult {
  const { train, heldBack } = heldBackSplit(o.base, o.heldBackEvery ?? 10);
  const seed = o.seed ?? 42;
  const candidate = trainModel(train, { seed, version: o.version, extraRows: [...o.corrections], extraWeight: o.extraWeight ?? 5, ...(o.now ? { now: o.now } : {}) });
  const baseline = o.current ?? trainModel(train, { seed, version: `${o.version}-baseline`, ...(o.now ? { now: o.now } : {}) });
  const quick = { minTimingMs: 1 };
  const candidateReport = evaluate(candidate, heldBack, quick);
  const baselineReport = evaluate(baseline, heldBack, quick);
  return { candidate, candidateReport, baselineReport, promote: shouldPromote(candidateReport, baselineReport, o.tolerance ?? 0.01) };
}

/** The scores worth keeping with a stored model. */
export function reportMetrics(r: EvalReport): Record<string, number | null> {
  return { n: r.n, accuracy: r.accuracy, macro_f1: r.macro_f1, reason_accuracy: r.reason_accuracy, reason_macro_f1: r.reason_macro_f1, needs_response_f1: r.needs_response_f1 };
}

function field(labels: Record<string, unknown>, name: string): { value: unknown; corrected: boolean } | null {
  const l = labels[name];
  if (!l || typeof l !== 'object' || !('value' in l)) return null;
  return { value: (l as { value: unknown }).value, corrected: 'corrected' in l };
}

/**
 * A corrected message's labels (as stored: triage() output with agents' corrections applied) as a
 * training row. Labels the agent left alone are the model's, which the agent implicitly accepted;
 * needs_response counts only when corrected (otherwise it is derived, see README). Null without a
 * sentiment.
 */
export function rowFromLabels(text: string, labels: Record<string, unknown>): LabelledRow | null {
  const sentiment = field(labels, 'sentiment');
  if (!sentiment || !SENTIMENTS.includes(sentiment.value as Sentiment)) return null;
  const topic = field(labels, 'topic');
  const needs = field(labels, 'needsResponse');
  return {
    text,
    sentiment: sentiment.value as Sentiment,
    reason: typeof topic?.value === 'string' ? topic.value : null,
    needsResponse: needs?.corrected && typeof needs.value === 'boolean' ? needs.value : null,
  };
}
