// Classification metrics: accuracy, per-class precision/recall/F1, macro-F1, confusion matrix.
import type { ClassScores, Confusion } from '../types';

export interface ClassificationReport {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<string, ClassScores>;
  confusion: Confusion;
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** `labels` fixes the class order; gold or predicted values outside it are added at the end. */
export function classificationReport(gold: readonly string[], predicted: readonly string[], labels: readonly string[]): ClassificationReport {
  const order = [...labels];
  for (const v of [...gold, ...predicted]) if (!order.includes(v)) order.push(v);
  const index = new Map(order.map((l, i) => [l, i]));
  const matrix = order.map(() => order.map(() => 0));
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i] as string;
    const row = matrix[index.get(g) as number] as number[];
    const col = index.get(p) as number;
    row[col] = (row[col] as number) + 1;
    if (g === p) correct++;
  });
  const perClass: Record<string, ClassScores> = {};
  let f1Sum = 0;
  let f1Count = 0;
  order.forEach((label, i) => {
    const tp = (matrix[i] as number[])[i] as number;
    const support = (matrix[i] as number[]).reduce((a, b) => a + b, 0);
    const predictedCount = matrix.reduce((a, row) => a + (row[i] as number), 0);
    const precision = predictedCount > 0 ? tp / predictedCount : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[label] = { precision: round(precision), recall: round(recall), f1: round(f1), support };
    // Macro-F1 averages over classes present in the gold labels (sklearn's default counts any
    // label seen in gold or predictions; a class never in gold would only add a zero).
    if (support > 0 || predictedCount > 0) {
      f1Sum += f1;
      f1Count++;
    }
  });
  return {
    n: gold.length,
    accuracy: gold.length > 0 ? round(correct / gold.length) : 0,
    macroF1: f1Count > 0 ? round(f1Sum / f1Count) : 0,
    perClass,
    confusion: { labels: order, matrix },
  };
}

/** F1 of the positive class of a binary task. */
export function binaryF1(gold: readonly boolean[], predicted: readonly boolean[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  gold.forEach((g, i) => {
    const p = predicted[i] === true;
    if (g && p) tp++;
    else if (!g && p) fp++;
    else if (g && !p) fn++;
  });
  return tp === 0 ? 0 : round((2 * tp) / (2 * tp + fp + fn));
}
