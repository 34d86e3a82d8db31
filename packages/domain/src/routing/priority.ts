import { z } from 'zod';

/** Conversation priority, lowest first; the same four values as `conversations.priority`. */
export const ConversationPriority = z.enum(['low', 'normal', 'high', 'urgent']);
export type ConversationPriority = z.infer<typeof ConversationPriority>;

const RANK: Record<ConversationPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

export function priorityRank(p: ConversationPriority): number {
  return RANK[p];
}

/** The higher of two priorities: rules and escalations only ever raise priority. */
export function maxPriority(a: ConversationPriority, b: ConversationPriority): ConversationPriority {
  return RANK[a] >= RANK[b] ? a : b;
}

/** One step up, capped at urgent (used by SLA escalation). */
export function raisePriority(p: ConversationPriority): ConversationPriority {
  const order = ConversationPriority.options;
  return order[Math.min(RANK[p] + 1, order.length - 1)] ?? 'urgent';
}
