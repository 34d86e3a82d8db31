import type { JobName } from '@earshot/domain';
/** The ingest job's name (its own module, so the batch prefetch can name it without importing the job). */
export const JOB_INGEST = 'ingest.process' satisfies JobName;
