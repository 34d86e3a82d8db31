import { z } from 'zod';
import { ChannelKind } from '../canonical';
import { ConversationPriority } from '../routing/priority';

export const SlaMetric = z.enum(['first_response', 'next_response', 'resolution']);
export type SlaMetric = z.infer<typeof SlaMetric>;

const Minutes = z.number().positive().max(525_600).nullable();

/** Targets in minutes for one priority; null means no target. `hours: 'always'` makes it 24/7. */
export const SlaTargets = z.object({
  first_response: Minutes.default(null),
  next_response: Minutes.default(null),
  resolution: Minutes.default(null),
  hours: z.enum(['business', 'always']).default('business'),
});
export type SlaTargets = z.infer<typeof SlaTargets>;

export const EscalationAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('notify_supervisor') }),
  z.object({ type: z.literal('raise_priority') }),
  z.object({ type: z.literal('reassign') }),
  /** The automatic "we are still on it" message to the customer, from a template. */
  z.object({ type: z.literal('send_update'), templateId: z.string().min(1).max(200) }),
]);
export type EscalationAction = z.infer<typeof EscalationAction>;

export const EscalationRule = z.object({
  metric: z.union([SlaMetric, z.literal('any')]),
  on: z.enum(['warning', 'breach']),
  actions: z.array(EscalationAction).min(1).max(10),
});
export type EscalationRule = z.infer<typeof EscalationRule>;

const ByPriority = z.object({ low: SlaTargets, normal: SlaTargets, high: SlaTargets, urgent: SlaTargets });

/**
 * A brand's SLA policy. One set of targets applies to every channel, so public complainers are
 * not served ahead of e-mailers by accident; `channelOverrides` is the brand's explicit choice.
 */
export const SlaPolicy = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  targets: ByPriority,
  channelOverrides: z.partialRecord(ChannelKind, z.partialRecord(ConversationPriority, SlaTargets)).default({}),
  /** Fraction of a target after which the clock is in `warning`. */
  warningAt: z.number().gt(0).lt(1).default(0.75),
  escalations: z.array(EscalationRule).max(50).default([]),
});
export type SlaPolicy = z.infer<typeof SlaPolicy>;
export type SlaPolicyInput = z.input<typeof SlaPolicy>;

export interface ResolvedTargets {
  targets: SlaTargets;
  /** Where they came from, for explanations: `default` or `channel:<kind>`. */
  source: string;
}

export function resolveSlaTargets(policy: SlaPolicy, priority: ConversationPriority, channelKind: ChannelKind): ResolvedTargets {
  const override = policy.channelOverrides[channelKind]?.[priority];
  if (override) return { targets: override, source: `channel:${channelKind}` };
  return { targets: policy.targets[priority], source: 'default' };
}

/** A sensible starting policy: business-hours targets, urgent around the clock. */
export const DEFAULT_SLA_POLICY: SlaPolicy = SlaPolicy.parse({
  id: 'default',
  name: 'Default',
  targets: {
    low: { first_response: 24 * 60, next_response: 24 * 60, resolution: 5 * 24 * 60 },
    normal: { first_response: 4 * 60, next_response: 8 * 60, resolution: 3 * 24 * 60 },
    high: { first_response: 60, next_response: 4 * 60, resolution: 24 * 60 },
    urgent: { first_response: 30, next_response: 60, resolution: 8 * 60, hours: 'always' },
  },
  escalations: [
    { metric: 'any', on: 'warning', actions: [{ type: 'notify_supervisor' }] },
    { metric: 'any', on: 'breach', actions: [{ type: 'notify_supervisor' }, { type: 'raise_priority' }] },
  ],
});
