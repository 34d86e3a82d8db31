import type { JobDefinition } from '../jobs/job.types';
import { jobPayload } from '../jobs/job.types';
import { PermanentJobError } from '../jobs/job.types';
import type { SlaService } from './sla.service';
import { JOB_SLA_EVALUATE } from './sla.schedule';

/** `sla.evaluate`: transactional, so a warning/breach and its escalations commit with the job, exactly once. */
export function slaEvaluateJob(sla: SlaService): JobDefinition {
  return {
    name: JOB_SLA_EVALUATE,
    mode: 'transactional',
    batchSize: 50,
    async handle(job, uow) {
      const { conversationId } = jobPayload(job, JOB_SLA_EVALUATE);
      if (!job.brand_id) throw new PermanentJobError('sla.evaluate needs a brand');
      await sla.evaluate(uow, job.brand_id, conversationId, job.id);
    },
  };
}
