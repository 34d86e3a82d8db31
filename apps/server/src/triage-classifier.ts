// The triage model in the pipeline: the ingest job's classifier (shipped default model, or the
// brand's promoted model when it has one) and the trainer behind the `triage.retrain` job.
// Core stays model-agnostic: it only sees these two ports.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BrandModelRef, Classification, ClassifyInput, MessageClassifier, RetrainInput, RetrainOutput, TriageTrainer } from '@earshot/core';
import {
  DEFAULT_MODEL_URL, parseModel, reportMetrics, retrainWithCorrections, rowFromLabels, serializeModel, triage,
  type LabelledRow, type TriageModel, type TriageResult,
} from '@earshot/triage';
import { readLabelledCsv } from './commands/triage.command';

export const DEFAULT_TRAINING_DATA = fileURLToPath(new URL('../../../data/airline-sentiment/dev.csv', import.meta.url));

type Priority = NonNullable<Classification['priority']>;

/** A priority suggestion from urgency (routing rules decide; this is what triage would say). */
export function priorityFor(r: TriageResult): Priority {
  const u = r.urgency.score;
  if (u >= 70) return 'urgent';
  if (u >= 45) return 'high';
  if (u < 10 && !r.needsResponse.value) return 'low';
  return 'normal';
}

let defaultModel: TriageModel | null = null;

/** The shipped default model, parsed once per process (~0.1 s). */
export function loadDefaultModel(): TriageModel {
  defaultModel ??= parseModel(JSON.parse(readFileSync(DEFAULT_MODEL_URL, 'utf8')));
  return defaultModel;
}

const BRAND_MODEL_CACHE = 32;

export class TriageClassifier implements MessageClassifier {
  // Parsed brand models by id; ids are immutable, so a promotion or rollback (seen through the
  // reference core looks up per message) needs no invalidation, only a different id.
  readonly #brandModels = new Map<string, TriageModel>();

  constructor(private readonly fallback: TriageModel, private readonly onError: (err: unknown) => void = () => undefined) {}

  async classify(input: ClassifyInput): Promise<Classification> {
    const model = input.model ? await this.#brandModel(input.model) : this.fallback;
    const r = triage(model, { text: input.text, authorFollowers: input.authorFollowers, priorInboundCount: input.priorInboundCount, threadSize: input.threadSize, isPublic: input.isPublic });
    const priority = priorityFor(r);
    const labels: Record<string, unknown> = {
      sentiment: r.sentiment, topic: r.topic, needsResponse: r.needsResponse, intent: r.intent, urgency: r.urgency, language: r.language,
      priority: { value: priority, reasons: [`urgency ${r.urgency.score}`] },
      model: { version: r.modelVersion, brandModelId: model === this.fallback ? null : (input.model?.id ?? null) },
    };
    return { labels, needsResponse: r.needsResponse.value, priority };
  }

  async #brandModel(ref: BrandModelRef): Promise<TriageModel> {
    const hit = this.#brandModels.get(ref.id);
    if (hit) {
      // Refresh recency for the LRU order.
      this.#brandModels.delete(ref.id);
      this.#brandModels.set(ref.id, hit);
      return hit;
    }
    let model: TriageModel;
    try {
      model = parseModel(await ref.load());
    } catch (err) {
      // A damaged artefact must not stop ingestion: classify with the default and say so.
      this.onError(err);
      return this.fallback;
    }
    this.#brandModels.set(ref.id, model);
    if (this.#brandModels.size > BRAND_MODEL_CACHE) {
      const oldest = this.#brandModels.keys().next().value;
      if (oldest !== undefined) this.#brandModels.delete(oldest);
    }
    return model;
  }
}

/** The triage model joins the pipeline: every inbound message is labelled in its ingest job. */
export async function loadClassifier(): Promise<MessageClassifier | null> {
  return new TriageClassifier(loadDefaultModel());
}

export interface TrainerOptions {
  /** CSV with the airline data's columns, read at job time (default: data/airline-sentiment/dev.csv). */
  dataPath?: string;
  /** Train on the first n base rows only (tests); default all. */
  baseRows?: number;
  seed?: number;
}

/**
 * Retrains in this process: training is CPU-bound for seconds, so the job runs `external` (no
 * transaction open meanwhile); a deployment that must keep ingest latency flat runs a separate
 * worker process for it.
 */
export function createTrainer(opts: TrainerOptions = {}): TriageTrainer {
  return {
    retrain(input: RetrainInput): Promise<RetrainOutput> {
      const { rows } = readLabelledCsv(opts.dataPath ?? DEFAULT_TRAINING_DATA);
      const base = opts.baseRows !== undefined ? rows.slice(0, opts.baseRows) : rows;
      const corrections = input.corrections.map((c) => rowFromLabels(c.text, c.labels)).filter((r): r is LabelledRow => r !== null);
      const current = input.current ? parseModel(input.current.model) : null;
      const r = retrainWithCorrections({ base, corrections, current, version: input.version, seed: opts.seed ?? 42 });
      return Promise.resolve({ model: serializeModel(r.candidate), metrics: reportMetrics(r.candidateReport), baselineMetrics: reportMetrics(r.baselineReport), promote: r.promote });
    },
  };
}
