import type { JobName } from '@earshot/domain';

export const JOB_COMMUNITY_ESCALATE = 'community.escalate' satisfies JobName;
export const escalateJobKey = (questionId: string) => `community.escalate:${questionId}`;
