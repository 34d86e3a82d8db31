// evaluate(): the metrics `triage eval` prints, computed over labelled rows with the same code
// path as live triage. Throughput is timed over repeated passes after a warm-up pass.
import { triage, triageDetailed } from '../infer/triage';
import { needsResponseLabel, reasonOf } from '../labels';
import { SENTIMENTS, type EvalReport, type LabelledRow, type TriageModel } from '../types';
import { binaryF1, classificationReport } from './metrics';

export interface EvaluateOptions {
  /** Minimum time spent timing throughput, in ms of `clock` (default 300). */
  minTimingMs?: number;
  /**
   * Milliseconds clock for throughput. Defaults to wall time (performance.now); a CLI can pass
   * the process's CPU time so a busy machine does not distort "messages per second on one core".
   */
  clock?: () => number;
}

export function evaluate(model: TriageModel, rows: LabelledRow[], opts: EvaluateOptions = {}): EvalReport {
  const gold: string[] = [];
  const predicted: string[] = [];
  const reasonGold: string[] = [];
  const reasonPredicted: string[] = [];
  const needsGold: boolean[] = [];
  const needsPredicted: boolean[] = [];
  for (const row of rows) {
    const { result, topicGivenAny } = triageDetailed(model, { text: row.text });
    gold.push(row.sentiment);
    predicted.push(result.sentiment.value);
    const reason = reasonOf(row);
    if (reason !== null) {
      reasonGold.push(reason);
      reasonPredicted.push(topicGivenAny ?? '(none)');
    }
    needsGold.push(needsResponseLabel(row));
    needsPredicted.push(result.needsResponse.value);
  }
  const sentiment = classificationReport(gold, predicted, SENTIMENTS);
  const reasons = reasonGold.length > 0 ? classificationReport(reasonGold, reasonPredicted, model.heads.topic.classes) : null;
  return {
    n: rows.length,
    accuracy: sentiment.accuracy,
    macro_f1: sentiment.macroF1,
    per_class: sentiment.perClass,
    confusion: sentiment.confusion,
    reason_accuracy: reasons ? reasons.accuracy : null,
    reason_macro_f1: reasons ? reasons.macroF1 : null,
    needs_response_f1: binaryF1(needsGold, needsPredicted),
    msgs_per_s: measureThroughput(model, rows, opts.minTimingMs ?? 300, opts.clock ?? (() => performance.now())),
  };
}

/** Messages per second of triage() on one core. */
export function measureThroughput(model: TriageModel, rows: readonly LabelledRow[], minMs: number, clock: () => number): number {
  if (rows.length === 0) return 0;
  let count = 0;
  const start = clock();
  let elapsed: number;
  do {
    for (const row of rows) triage(model, { text: row.text });
    count += rows.length;
    elapsed = clock() - start;
  } while (elapsed < minMs || elapsed <= 0);
  return Math.round((count / elapsed) * 1000);
}
