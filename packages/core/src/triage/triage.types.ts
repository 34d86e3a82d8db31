// The ports core needs from a triage model implementation (apps/server wires packages/triage in):
// core stores corrections and models and runs the jobs, but never looks inside a model.

/** A corrected message as training material: its text and its labels now (corrections applied). */
export interface CorrectedExample {
  text: string;
  labels: Record<string, unknown>;
}

export interface RetrainInput {
  brandId: string;
  version: string;
  corrections: CorrectedExample[];
  /** The brand's promoted model, or null when it uses the shipped default. */
  current: { id: string; version: string; model: unknown } | null;
}

export interface RetrainOutput {
  /** The candidate's artefact, stored as-is. */
  model: unknown;
  /** Candidate and current (or a no-corrections baseline) on the same held-back slice. */
  metrics: Record<string, number | null>;
  baselineMetrics: Record<string, number | null>;
  /** Not worse than the baseline on the held-back slice. */
  promote: boolean;
}

export interface TriageTrainer {
  retrain(input: RetrainInput): Promise<RetrainOutput>;
}

export const TRIAGE_LABELS = ['sentiment', 'topic', 'intent', 'needsResponse'] as const;
export type TriageLabel = (typeof TRIAGE_LABELS)[number];
