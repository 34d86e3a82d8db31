export const JOB_COMMUNITY_ESCALATE = 'community.escalate';
export const escalateJobKey = (questionId: string) => `community.escalate:${questionId}`;
