import { z } from 'zod';

// Satisfaction surveys, their report, and the care tasks that follow a low score (issue 14).

/** A survey link is valid this long after it was sent; the answer may be changed until then. */
export const CSAT_TTL_DAYS = 28;
/** Scores up to this one are low: the reasons list is asked and a follow-up task is opened. */
export const CSAT_LOW_SCORE = 2;
/** How long the last agent has to follow up on a low score. */
export const CSAT_TASK_DUE_HOURS = 24;

/** The short list a customer picks from after a low score. */
export const CSAT_REASONS = {
  not_fixed: 'My problem is not fixed',
  too_slow: 'It took too long',
  repeated: 'I had to repeat myself',
  unfriendly: 'The answer was unhelpful or unfriendly',
  wrong_channel: 'I was sent to another channel',
  other: 'Something else',
} as const;
export type CsatReason = keyof typeof CSAT_REASONS;
export const CsatReason = z.enum(Object.keys(CSAT_REASONS) as [CsatReason, ...CsatReason[]]);

export const CsatAnswerInput = z.strictObject({
  score: z.coerce.number().int().min(1, 'score is 1 to 5').max(5, 'score is 1 to 5'),
  comment: z.string().max(2000).refine((s) => !s.includes('\u0000'), 'must not contain NUL characters').optional(),
  reasons: z.array(CsatReason).max(6).optional(),
});
export type CsatAnswerInput = z.infer<typeof CsatAnswerInput>;

// Words that make a middling score's comment a complaint (a 3 with "still broken" deserves a call).
const NEGATIVE = /\b(not (fixed|solved|resolved|working|helpful)|still (broken|down|not|waiting|no)|never|worst|terrible|awful|useless|rude|disappointed|angry|unacceptable|cancel(l?ing)?|complain(t)?|horrible|ridiculous|waste)\b/i;

/** A low score, or a comment that says something is wrong: someone should follow up. */
export function needsFollowUp(score: number, comment: string | null | undefined): boolean {
  if (score <= CSAT_LOW_SCORE) return true;
  return score <= 3 && NEGATIVE.test(comment ?? '');
}

export const CsatSurveyView = z.object({
  id: z.string(), conversationId: z.string(), status: z.enum(['sent', 'skipped']), skipReason: z.string().nullable(),
  agentId: z.string().nullable(), agentName: z.string().nullable(), sentAt: z.string(), expiresAt: z.string(),
  score: z.number().nullable(), comment: z.string().nullable(), reasons: z.array(z.string()), answeredAt: z.string().nullable(),
});
export type CsatSurveyView = z.infer<typeof CsatSurveyView>;

export const CareTaskKind = z.enum(['csat_follow_up', 'call_back']);
export const CareTaskView = z.object({
  id: z.string(), conversationId: z.string(), kind: CareTaskKind, title: z.string(), assigneeId: z.string().nullable(), assigneeName: z.string().nullable(),
  teamId: z.string().nullable(), dueAt: z.string(), status: z.enum(['open', 'done']), outcome: z.string().nullable(), doneAt: z.string().nullable(), createdAt: z.string(),
});
export type CareTaskView = z.infer<typeof CareTaskView>;

export const CsatGroupBy = z.enum(['agent', 'team', 'channel', 'visibility']);
export type CsatGroupBy = z.infer<typeof CsatGroupBy>;

/** One row of the report: `csat` is the share of answers scoring 4 or 5; `responseRate` answered / sent. */
export const CsatReportRow = z.object({
  key: z.string().nullable(), label: z.string(), sent: z.number(), answered: z.number(), responseRate: z.number().nullable(),
  averageScore: z.number().nullable(), csat: z.number().nullable(), scores: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]),
});
export type CsatReportRow = z.infer<typeof CsatReportRow>;
export const CsatReport = z.object({ groupBy: CsatGroupBy, from: z.string(), to: z.string(), total: CsatReportRow, rows: z.array(CsatReportRow) });
export type CsatReport = z.infer<typeof CsatReport>;

// Follow-up after resolution.

export const DEFAULT_FOLLOWUP_TEMPLATE = 'Hi {{first_name}}, {{agent_name}} from {{brand_name}} here. Just checking: is everything working again since we last spoke? If not, reply here and I will pick it up.';
const NoNul = z.string().refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

export const FollowupPolicyInput = z.strictObject({
  teamId: z.uuid().nullable().default(null),
  enabled: z.boolean().default(true),
  waitHours: z.number().int().min(1, 'wait at least 1 hour').max(720, 'wait at most 720 hours (30 days)'),
  businessHours: z.boolean().default(true),
  template: NoNul.pipe(z.string().trim().min(1).max(1000)).default(DEFAULT_FOLLOWUP_TEMPLATE),
  /** Also send a satisfaction survey right after each resolution. */
  survey: z.boolean().default(false),
});
export type FollowupPolicyInput = z.infer<typeof FollowupPolicyInput>;

export const FollowupPolicyView = z.object({
  id: z.string(), teamId: z.string().nullable(), teamName: z.string().nullable(), enabled: z.boolean(), waitHours: z.number(), businessHours: z.boolean(), template: z.string(), survey: z.boolean(), updatedAt: z.string(),
});
export type FollowupPolicyView = z.infer<typeof FollowupPolicyView>;

export const FollowupView = z.object({
  id: z.string(), conversationId: z.string(), status: z.enum(['scheduled', 'sent', 'task', 'skipped']), dueAt: z.string(), agentId: z.string().nullable(),
  messageId: z.string().nullable(), taskId: z.string().nullable(), skipReason: z.string().nullable(), doneAt: z.string().nullable(),
});
export type FollowupView = z.infer<typeof FollowupView>;

// Incident notices and bulk replies: one batch, a notice per conversation, progress from delivery.

export const NoticeBatchKind = z.enum(['incident_update', 'incident_resolution', 'bulk_reply']);
export const NoticeProgress = z.object({ total: z.number(), queued: z.number(), awaitingApproval: z.number(), sent: z.number(), failed: z.number(), skipped: z.number() });
export type NoticeProgress = z.infer<typeof NoticeProgress>;
export const NoticeBatchView = z.object({
  id: z.string(), incidentId: z.string().nullable(), kind: NoticeBatchKind, text: z.string(), createdBy: z.string().nullable(), createdByName: z.string().nullable(), createdAt: z.string(), progress: NoticeProgress,
});
export type NoticeBatchView = z.infer<typeof NoticeBatchView>;
export const NoticeStatus = z.enum(['queued', 'awaiting_approval', 'sent', 'failed', 'skipped']);
export type NoticeStatus = z.infer<typeof NoticeStatus>;
export const NoticeView = z.object({
  conversationId: z.string(), contactName: z.string().nullable(), channelKind: z.string(), visibility: z.enum(['public', 'private']).nullable(),
  status: NoticeStatus, reason: z.string().nullable(), messageId: z.string().nullable(),
});
export type NoticeView = z.infer<typeof NoticeView>;
