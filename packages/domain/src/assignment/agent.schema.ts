import { z } from 'zod';
import { ChannelKind } from '../canonical';

export const Availability = z.enum(['online', 'away', 'offline']);
export type Availability = z.infer<typeof Availability>;

/**
 * Capacity per channel kind, with `default` for every kind not listed: `{ default: 10, x: 4 }`
 * means at most 4 open X conversations and at most 10 open conversations on all other kinds
 * together. Same shape as `memberships.capacity`.
 */
export const AgentCapacity = z.record(z.string(), z.number().int().nonnegative());
export type AgentCapacity = z.infer<typeof AgentCapacity>;

/** An agent as auto-assignment sees it: working state plus current open load per channel kind. */
export const AgentCandidate = z.object({
  id: z.string().min(1),
  availability: Availability,
  skills: z.array(z.string()).default([]),
  capacity: AgentCapacity.default({ default: 10 }),
  openByChannel: z.partialRecord(ChannelKind, z.number().int().nonnegative()).default({}),
});
export type AgentCandidate = z.infer<typeof AgentCandidate>;

/** Round-robin state, stored per team (or brand) and passed back in with the next decision. */
export const RoundRobinCursor = z.object({ lastAgentId: z.string().nullable() });
export type RoundRobinCursor = z.infer<typeof RoundRobinCursor>;
export const EMPTY_CURSOR: RoundRobinCursor = { lastAgentId: null };
