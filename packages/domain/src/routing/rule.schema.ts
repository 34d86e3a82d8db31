import { z } from 'zod';
import { RuleAction } from './action.schema';
import { Condition, MAX_CONDITION_DEPTH, conditionDepth } from './condition.schema';

export const MAX_RULES_PER_BRAND = 500;

export const RoutingRule = z
  .object({
    id: z.string().min(1).max(200),
    name: z.string().trim().min(1).max(200),
    enabled: z.boolean().default(true),
    when: Condition,
    then: z.array(RuleAction).min(1).max(20),
  })
  .superRefine((r, ctx) => {
    if (conditionDepth(r.when) > MAX_CONDITION_DEPTH) {
      ctx.addIssue({ code: 'custom', message: `conditions nest deeper than ${MAX_CONDITION_DEPTH} levels`, path: ['when'] });
    }
  });
export type RoutingRule = z.infer<typeof RoutingRule>;
export type RoutingRuleInput = z.input<typeof RoutingRule>;

/** A brand's ordered rules: order is precedence, ids are unique. */
export const RoutingRules = z
  .array(RoutingRule)
  .max(MAX_RULES_PER_BRAND)
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', message: `duplicate rule id '${r.id}'`, path: [i, 'id'] });
      seen.add(r.id);
    });
  });
