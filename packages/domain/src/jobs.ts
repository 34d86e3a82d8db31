import { z } from 'zod';

/**
 * Every job kind the worker runs, with the payload it carries (issue 18: job names lived as strings
 * in six files and each handler read its payload with casts). `enqueueJob` only takes these names
 * with their payload's type, handlers read payloads through `JobPayloads` (a bad one is dead at
 * once, never retried), and a test fails when a kind has no handler or a handler no kind.
 */
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const bigintId = z.string().regex(/^\d{1,19}$/);

export const JobPayloads = {
  /** A stored inbound event becomes a message (the ingest pipeline; a batch at a time). */
  'ingest.process': z.object({ eventId: bigintId }),
  /** An outbound message goes to its provider. */
  'message.deliver': z.object({ messageId: uuid }),
  /** A phone follow-up: for a conversation, or for a call-back request still being ingested. */
  'call.follow_up': z.union([
    z.object({ conversationId: uuid, reason: z.string() }),
    z.object({ channelId: uuid, providerMessageId: z.string(), reason: z.string() }),
  ]),
  /** A polled channel (feeds, X search, IMAP) is read. */
  'channel.poll': z.object({ channelId: uuid }),
  /** A brand's audit trail is fanned out to its webhook subscriptions. */
  'webhook.fanout': z.object({ brandId: uuid }),
  /** One webhook delivery is posted. */
  'webhook.deliver': z.object({ deliveryId: uuid, manual: z.boolean().optional() }),
  /** A brand's triage model is retrained from agents' corrections. */
  'triage.retrain': z.object({ brandId: uuid }),
  /** A conversation's SLA clocks are evaluated at their next due time. */
  'sla.evaluate': z.object({ conversationId: uuid, dueAt: z.string().optional() }),
  /** An unanswered community question goes to the queue when its brand's hours are up. */
  'community.escalate': z.object({ brandId: uuid, questionId: uuid }),
  /** A brand's analytics rollups catch up with its audit trail. */
  'analytics.rollup': z.object({ brandId: uuid }),
  /** A resolved conversation's satisfaction survey is sent (or skipped, with the reason). */
  'csat.send': z.object({ conversationId: uuid, resolvedAt: z.number(), resolvedBy: uuid.nullable() }),
  /** A follow-up after resolution is sent, or a call-back task is made, when its wait is over. */
  'followup.send': z.object({ followupId: uuid }),
} as const;

export type JobName = keyof typeof JobPayloads;
export type JobPayload<N extends JobName> = z.infer<(typeof JobPayloads)[N]>;
export const JOB_NAMES = Object.keys(JobPayloads) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JobPayloads, name);
}
