import { z } from 'zod';
import { ChannelKind } from '../canonical';

/** A triage label with the model's confidence (0..1). */
export const LabelFact = z.object({ value: z.string().max(100), confidence: z.number().min(0).max(1) });
export type LabelFact = z.infer<typeof LabelFact>;

const AttributeValue = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

/**
 * Everything a routing rule may look at, gathered by the routing service before evaluation.
 * Flat and precomputed (e.g. `insideBusinessHours`) so evaluation needs no clock and no I/O.
 */
export const RoutingFacts = z.object({
  channelKind: ChannelKind,
  visibility: z.enum(['public', 'private']),
  text: z.string(),
  triage: z
    .object({
      sentiment: LabelFact.optional(),
      topic: LabelFact.optional(),
      intent: LabelFact.optional(),
      language: LabelFact.optional(),
      needsResponse: z.object({ value: z.boolean(), confidence: z.number().min(0).max(1) }).optional(),
      /** Urgency / risk score 0..100. */
      urgency: z.number().min(0).max(100).optional(),
    })
    .default({}),
  author: z.object({ followers: z.number().int().nonnegative().nullable() }).default({ followers: null }),
  contact: z
    .object({
      tags: z.array(z.string()).default([]),
      attributes: z.record(z.string(), AttributeValue).default({}),
      vip: z.boolean().default(false),
      /** Conversations this contact opened before this one (in the brand's look-back window). */
      repeatContacts: z.number().int().nonnegative().default(0),
    })
    .default({ tags: [], attributes: {}, vip: false, repeatContacts: 0 }),
  insideBusinessHours: z.boolean(),
});
export type RoutingFacts = z.infer<typeof RoutingFacts>;
/** What callers may pass: defaults are filled in by `RoutingFacts.parse`. */
export type RoutingFactsInput = z.input<typeof RoutingFacts>;
