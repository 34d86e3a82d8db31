import { jobPayload, type JobDefinition } from '../jobs/job.types';
import type { CommunityDeskService } from './community-desk.service';
import { JOB_COMMUNITY_ESCALATE } from './community-jobs';

/** Runs when a question's hours are up: it goes to the queue unless it was answered (external: ingest commits on its own). */
export function communityEscalateJob(desk: CommunityDeskService): JobDefinition {
  return { name: JOB_COMMUNITY_ESCALATE, mode: 'external', handle: (job) => desk.runEscalationJob(jobPayload(job, JOB_COMMUNITY_ESCALATE)) };
}
