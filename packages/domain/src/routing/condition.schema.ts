import { z } from 'zod';
import { ChannelKind } from '../canonical';
import { checkRegexSafety } from './regex-guard';

/** Limits keep a rule set cheap to evaluate and readable in the admin UI. */
export const MAX_CONDITION_DEPTH = 6;
export const MAX_KEYWORDS = 200;

const Confidence = z.number().min(0).max(1);
export const NumberOp = z.enum(['gte', 'gt', 'lte', 'lt', 'eq']);
export type NumberOp = z.infer<typeof NumberOp>;
export const NumberField = z.enum(['urgency', 'author_followers', 'repeat_contacts']);
export type NumberField = z.infer<typeof NumberField>;
export const LabelName = z.enum(['sentiment', 'topic', 'intent', 'language']);
export type LabelName = z.infer<typeof LabelName>;

const Keyword = z.string().trim().min(1).max(100);
const Scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);

export const ChannelCondition = z.object({ type: z.literal('channel'), in: z.array(ChannelKind).min(1) });
export const VisibilityCondition = z.object({ type: z.literal('visibility'), is: z.enum(['public', 'private']) });
/** A triage label is one of `in`, with at least `minConfidence` (default: any confidence). */
export const LabelCondition = z.object({
  type: z.literal('label'),
  label: LabelName,
  in: z.array(z.string().min(1).max(100)).min(1).max(100),
  minConfidence: Confidence.optional(),
});
export const NeedsResponseCondition = z.object({ type: z.literal('needs_response'), is: z.boolean(), minConfidence: Confidence.optional() });
export const NumberCondition = z.object({ type: z.literal('number'), field: NumberField, op: NumberOp, value: z.number() });
/** Case-insensitive whole-word (or phrase) match of any keyword. */
export const KeywordCondition = z.object({ type: z.literal('keywords'), any: z.array(Keyword).min(1).max(MAX_KEYWORDS) });
export const RegexCondition = z
  .object({ type: z.literal('regex'), pattern: z.string(), flags: z.string().max(4).default('i') })
  .superRefine((c, ctx) => {
    const problem = checkRegexSafety(c.pattern, c.flags);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['pattern'] });
  });
export const ContactTagCondition = z.object({ type: z.literal('contact_tag'), any: z.array(z.string().min(1).max(100)).min(1).max(100) });
export const ContactAttributeCondition = z.object({
  type: z.literal('contact_attribute'),
  key: z.string().min(1).max(100),
  op: z.enum(['eq', 'neq', 'in', 'exists', 'gte', 'lte', 'contains']),
  value: z.union([Scalar, z.array(Scalar).max(100)]).optional(),
});
export const BusinessHoursCondition = z.object({ type: z.literal('business_hours'), inside: z.boolean() });
/** Always true: for catch-all rules at the end of a list. */
export const AlwaysCondition = z.object({ type: z.literal('always') });
export const VipCondition = z.object({ type: z.literal('vip'), is: z.boolean() });

export type LeafCondition =
  | z.infer<typeof ChannelCondition>
  | z.infer<typeof VisibilityCondition>
  | z.infer<typeof LabelCondition>
  | z.infer<typeof NeedsResponseCondition>
  | z.infer<typeof NumberCondition>
  | z.infer<typeof KeywordCondition>
  | z.infer<typeof RegexCondition>
  | z.infer<typeof ContactTagCondition>
  | z.infer<typeof ContactAttributeCondition>
  | z.infer<typeof BusinessHoursCondition>
  | z.infer<typeof VipCondition>
  | z.infer<typeof AlwaysCondition>;

export type Condition =
  | LeafCondition
  | { type: 'all'; conditions: Condition[] }
  | { type: 'any'; conditions: Condition[] }
  | { type: 'not'; condition: Condition };

const leaves = [
  ChannelCondition,
  VisibilityCondition,
  LabelCondition,
  NeedsResponseCondition,
  NumberCondition,
  KeywordCondition,
  RegexCondition,
  ContactTagCondition,
  ContactAttributeCondition,
  BusinessHoursCondition,
  VipCondition,
  AlwaysCondition,
] as const;

export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion('type', [
    ...leaves,
    z.object({ type: z.literal('all'), conditions: z.array(Condition).min(1).max(50) }),
    z.object({ type: z.literal('any'), conditions: z.array(Condition).min(1).max(50) }),
    z.object({ type: z.literal('not'), condition: Condition }),
  ]),
);

/** Depth of nesting (a leaf is 1); rules deeper than MAX_CONDITION_DEPTH are rejected. */
export function conditionDepth(c: Condition): number {
  if (c.type === 'all' || c.type === 'any') return 1 + Math.max(0, ...c.conditions.map(conditionDepth));
  if (c.type === 'not') return 1 + conditionDepth(c.condition);
  return 1;
}
