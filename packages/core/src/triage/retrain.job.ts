import type { JobName } from '@earshot/domain';
// triage.retrain: trains a brand's model from the base data plus its agents' corrections. Training
// takes seconds of CPU, so it runs as an `external` job (no claiming transaction held open) and
// writes its result in one short transaction. A re-run of the same job writes nothing new (the
// version is derived from the job id).
import { z } from 'zod';
import type { DB, Kysely } from '@earshot/db';
import type { EventBus } from '../events/event-bus';
import { RetryAt, PermanentJobError, type JobDefinition, type JobRow } from '../jobs/job.types';
import type { Clock } from '../shared/clock';
import { transact } from '../shared/unit-of-work';
import { countCorrections, listCorrectedMessages } from './triage-correction.repository';
import { findPromotedModel, insertModel, lockModels, setModelState } from './triage-model.repository';
import type { TriageTrainer } from './triage.types';

export const JOB_TRIAGE_RETRAIN = 'triage.retrain' satisfies JobName;

const Labels = z.record(z.string(), z.unknown());

export interface RetrainJobDeps {
  db: Kysely<DB>;
  bus: EventBus;
  clock: Clock;
  trainer: TriageTrainer | null;
  /** Corrections that arrive while a retrain runs trigger another one this much later. */
  debounceMs: number;
}

export function retrainJob(deps: RetrainJobDeps): JobDefinition {
  return { name: JOB_TRIAGE_RETRAIN, mode: 'external', handle: (job) => runRetrain(deps, job) };
}

async function runRetrain(deps: RetrainJobDeps, job: JobRow): Promise<void> {
  const { db, clock, trainer } = deps;
  const brandId = job.brand_id;
  if (!brandId) throw new PermanentJobError('triage.retrain needs a brand');
  if (!trainer) throw new PermanentJobError('no triage trainer is configured in this process');

  const corrected = await listCorrectedMessages(db, brandId);
  const seen = await countCorrections(db, brandId);
  const current = await findPromotedModel(db, brandId);
  const version = `brand-${clock.now().toISOString().slice(0, 10)}.${job.id}`;
  const corrections = corrected.flatMap((m) => {
    const labels = Labels.safeParse(m.triage);
    return labels.success ? [{ text: m.text, labels: labels.data }] : [];
  });
  const result = await trainer.retrain({ brandId, version, corrections, current: current ? { id: current.id, version: current.version, model: current.model } : null });

  const at = clock.now();
  const state = await transact(db, async (uow) => {
    const models = await lockModels(uow.tx, brandId);
    const promoted = models.find((m) => m.state === 'promoted') ?? null;
    // Promote only over the model it was compared with: if someone promoted or rolled back meanwhile, keep it a candidate.
    const promote = result.promote && (promoted?.id ?? null) === (current?.id ?? null);
    const id = await insertModel(uow.tx, {
      brandId, version, model: result.model, metrics: result.metrics, baselineMetrics: result.baselineMetrics,
      corrections: corrections.length, state: 'candidate', promotedAt: null,
    });
    if (!id) return 'exists';
    uow.record({ brandId, actorType: 'system', actorId: JOB_TRIAGE_RETRAIN, action: 'triage.model_trained', subjectType: 'triage_model', subjectId: id, after: { version, corrections: corrections.length, metrics: result.metrics, baselineMetrics: result.baselineMetrics, promote }, at });
    if (promote) {
      if (promoted) await setModelState(uow.tx, brandId, promoted.id, 'retired');
      await setModelState(uow.tx, brandId, id, 'promoted', at);
      uow.record({ brandId, actorType: 'system', actorId: JOB_TRIAGE_RETRAIN, action: 'triage.model_promoted', subjectType: 'triage_model', subjectId: id, before: { modelId: promoted?.id ?? null }, after: { modelId: id, version }, at });
    }
    uow.onCommit(() => deps.bus.publish({ type: 'triage.model_trained', brandId, at: at.toISOString(), data: { modelId: id, version, promoted: promote } }));
    return promote ? 'promoted' : 'candidate';
  });
  // Corrections made while this run trained were not in it: run again shortly (the job key is still
  // held by this run, so their own enqueue was absorbed).
  if (state !== 'exists' && (await countCorrections(db, brandId)) > seen) {
    throw new RetryAt(new Date(clock.now().getTime() + deps.debounceMs), 'corrections arrived during training');
  }
}
