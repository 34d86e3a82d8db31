import type { Selectable, TriageModelsTable, TriageModelState } from '@earshot/db';
import type { BrandModelRef } from '../ingest/message-classifier';
import type { Executor } from '../shared/unit-of-work';

export type TriageModelRow = Selectable<TriageModelsTable>;
export type TriageModelSummary = Omit<TriageModelRow, 'model'>;

const SUMMARY = ['id', 'brand_id', 'version', 'metrics', 'baseline_metrics', 'corrections', 'state', 'promoted_at', 'created_at'] as const;

/** The brand's promoted model as a reference; the artefact is fetched only if the classifier needs it. */
export async function promotedModelRef(db: Executor, brandId: string): Promise<BrandModelRef | null> {
  const row = await db.selectFrom('triage_models').select(['id', 'version']).where('brand_id', '=', brandId).where('state', '=', 'promoted').executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    version: row.version,
    load: async () => (await db.selectFrom('triage_models').select('model').where('brand_id', '=', brandId).where('id', '=', row.id).executeTakeFirstOrThrow()).model,
  };
}

export function listModels(db: Executor, brandId: string): Promise<TriageModelSummary[]> {
  return db.selectFrom('triage_models').select(SUMMARY).where('brand_id', '=', brandId).orderBy('created_at', 'desc').orderBy('id').limit(100).execute();
}

export function findPromotedModel(db: Executor, brandId: string): Promise<TriageModelRow | undefined> {
  return db.selectFrom('triage_models').selectAll().where('brand_id', '=', brandId).where('state', '=', 'promoted').executeTakeFirst();
}

/** Locks the brand's models so promotions and rollbacks of one brand happen one at a time. */
export function lockModels(db: Executor, brandId: string): Promise<TriageModelSummary[]> {
  return db.selectFrom('triage_models').select(SUMMARY).where('brand_id', '=', brandId).orderBy('created_at', 'desc').orderBy('id').forUpdate().execute();
}

export async function setModelState(db: Executor, brandId: string, id: string, state: TriageModelState, promotedAt?: Date): Promise<void> {
  await db.updateTable('triage_models').set({ state, ...(promotedAt ? { promoted_at: promotedAt } : {}) }).where('brand_id', '=', brandId).where('id', '=', id).execute();
}

export interface NewTriageModel {
  brandId: string;
  version: string;
  model: unknown;
  metrics: Record<string, number | null>;
  baselineMetrics: Record<string, number | null> | null;
  corrections: number;
  state: TriageModelState;
  promotedAt: Date | null;
}

/** Inserts a model; a re-run of the same retrain (same version) inserts nothing and returns null. */
export async function insertModel(db: Executor, m: NewTriageModel): Promise<string | null> {
  const row = await db.insertInto('triage_models').values({
    brand_id: m.brandId, version: m.version, model: JSON.stringify(m.model), metrics: JSON.stringify(m.metrics),
    baseline_metrics: m.baselineMetrics ? JSON.stringify(m.baselineMetrics) : null, corrections: m.corrections, state: m.state, promoted_at: m.promotedAt,
  }).onConflict((oc) => oc.columns(['brand_id', 'version']).doNothing()).returning('id').executeTakeFirst();
  return row?.id ?? null;
}
