import { z } from 'zod';
import { ChannelKind } from '../canonical';
import { ConversationPriority } from '../routing/priority';
import { InstantSchema } from './instant';

export const ConversationStatusValue = z.enum(['open', 'pending', 'snoozed', 'resolved']);
export type ConversationStatusValue = z.infer<typeof ConversationStatusValue>;

/**
 * The conversation events SLA clocks are computed from. The same log drives the live clock and
 * a recompute after a policy change, so both always agree.
 * - `outbound_reply`: a reply the customer can see (public or private), not an internal note.
 * - `status_changed` to `open` from pending/snoozed resumes, from resolved reopens.
 */
export const SlaEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('created'), at: InstantSchema, priority: ConversationPriority, channelKind: ChannelKind }),
  z.object({ type: z.literal('inbound_message'), at: InstantSchema }),
  z.object({ type: z.literal('outbound_reply'), at: InstantSchema }),
  z.object({ type: z.literal('status_changed'), at: InstantSchema, status: ConversationStatusValue }),
  z.object({ type: z.literal('priority_changed'), at: InstantSchema, priority: ConversationPriority }),
]);
export type SlaEvent = z.infer<typeof SlaEvent>;
