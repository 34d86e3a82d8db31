import type { RuleAction } from './action.schema';
import type { CompiledRuleSet } from './compile';
import { compileRules, isCompiledRuleSet } from './compile';
import type { RoutingActions } from './decision';
import { applyActions, emptyActions } from './decision';
import { quote } from './explain-format';
import type { RoutingFacts } from './facts';
import type { RoutingRule } from './rule.schema';

export interface MatchedRule {
  ruleId: string;
  /** 0-based position in the rule list; the explanation says it 1-based, as the admin UI shows it. */
  index: number;
  name: string;
  explanation: string;
  actions: readonly RuleAction[];
}

export interface RoutingEvaluation {
  actions: RoutingActions;
  matched: MatchedRule[];
}

// Rule lists are immutable values once loaded; compile each array object only once.
const cache = new WeakMap<readonly RoutingRule[], CompiledRuleSet>();

function compiledFor(rules: readonly RoutingRule[] | CompiledRuleSet): CompiledRuleSet {
  if (isCompiledRuleSet(rules)) return rules;
  let c = cache.get(rules);
  if (!c) {
    c = compileRules(rules);
    cache.set(rules, c);
  }
  return c;
}

/**
 * Evaluates a brand's ordered rules against one message's facts. Pure: same input, same output.
 * Pass a `compileRules()` result (or the same array object each time) to compile only once.
 */
export function evaluateRules(rules: readonly RoutingRule[] | CompiledRuleSet, facts: RoutingFacts): RoutingEvaluation {
  const set = compiledFor(rules);
  const actions = emptyActions();
  const matched: MatchedRule[] = [];
  for (const rule of set.rules) {
    if (!rule.condition.test(facts)) continue;
    applyActions(actions, rule.actions, rule.id);
    matched.push({
      ruleId: rule.id,
      index: rule.index,
      name: rule.name,
      explanation: `matched rule ${rule.index + 1} ${quote(rule.name)} because ${rule.condition.why(facts)}`,
      actions: rule.actions,
    });
    if (rule.stops) break;
  }
  return { actions, matched };
}
