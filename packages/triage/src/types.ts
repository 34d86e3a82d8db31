// Public shapes of the triage package. Other packages code against these exactly.
import type { FeatureConfig } from './text/features';

export type Sentiment = 'negative' | 'neutral' | 'positive';
export type Intent = 'complaint' | 'question' | 'praise' | 'feedback' | 'spam' | 'other';

export const SENTIMENTS: readonly Sentiment[] = ['negative', 'neutral', 'positive'];

export interface TriageInput {
  text: string;
  authorFollowers?: number | null;
  priorInboundCount?: number;
  threadSize?: number;
  isPublic?: boolean;
}

export interface Label<T> {
  value: T;
  confidence: number;
  reasons: string[];
}

export interface TriageResult {
  sentiment: Label<Sentiment>;
  topic: Label<string | null>;
  needsResponse: Label<boolean>;
  intent: Label<Intent>;
  urgency: { score: number; reasons: string[] };
  language: { value: string; confidence: number };
  modelVersion: string;
}

export interface LabelledRow {
  text: string;
  sentiment: Sentiment;
  reason?: string | null;
  /** Explicit label (e.g. an agent's correction); otherwise derived, see README "needs_response". */
  needsResponse?: boolean | null;
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Confusion {
  /** Row = gold label, column = predicted label, both in `labels` order. */
  labels: string[];
  matrix: number[][];
}

export interface EvalReport {
  n: number;
  accuracy: number;
  macro_f1: number;
  per_class: Record<string, ClassScores>;
  confusion: Confusion;
  /** Over rows whose gold reason is non-empty; null when there are none. */
  reason_accuracy: number | null;
  reason_macro_f1: number | null;
  needs_response_f1: number;
  msgs_per_s: number;
}

/** One classifier head: a slice of columns in the shared weight matrix. */
export interface Head {
  classes: string[];
  /** First column of this head in the weight matrix. */
  offset: number;
  bias: Float32Array;
  /** Softmax temperature fitted on held-out rows (calibration). */
  temperature: number;
}

export interface TriageHeads {
  sentiment: Head;
  topic: Head;
  /** Binary (no, yes): does the message belong to any topic at all. */
  topicGate: Head;
  /** Binary (no, yes). */
  needsResponse: Head;
}

export interface ModelInfo {
  version: string;
  createdAt: string;
  dataSha256: string | null;
  rows: number;
  extraRows: number;
  seed: number;
  /** Scores on the trainer's internal held-out slice (15%, stratified, seeded). */
  metrics: Record<string, number | null>;
}

export interface TriageModel {
  info: ModelInfo;
  features: FeatureConfig;
  /** Feature hashes, ascending; row i of the weight matrix belongs to keys[i]. */
  keys: Uint32Array;
  /** Feature-major: weights[i * columns + c]. */
  weights: Float32Array;
  columns: number;
  heads: TriageHeads;
  /** Open-addressing table of [hash, row index + 1] pairs (0 = empty slot), see model/lookup.ts. */
  table: Int32Array;
}
