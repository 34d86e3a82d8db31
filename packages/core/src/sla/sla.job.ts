import { z } from 'zod';
import type { JobDefinition } from '../jobs/job.types';
import { PermanentJobError } from '../jobs/job.types';
import type { SlaService } from './sla.service';
import { JOB_SLA_EVALUATE } from './sla.schedule';

const Payload = z.object({ conversationId: z.uuid(), dueAt: z.string().optional() });

/** `sla.evaluate`: transactional, so a warning/breach and its escalations commit with the job, exactly once. */
export function slaEvaluateJob(sla: SlaService): JobDefinition {
  return {
    name: JOB_SLA_EVALUATE,
    mode: 'transactional',
    batchSize: 50,
    async handle(job, uow) {
      const p = Payload.safeParse(job.payload);
      if (!p.success || !job.brand_id) throw new PermanentJobError('sla.evaluate needs a brand and a conversationId');
      await sla.evaluate(uow, job.brand_id, p.data.conversationId, job.id);
    },
  };
}
