import { EarshotError } from '../errors';
import type { RuleAction } from './action.schema';
import type { Condition } from './condition.schema';
import type { CompiledCondition } from './compile-leaf';
import { compileLeaf } from './compile-leaf';
import type { RoutingRule } from './rule.schema';

export interface CompiledRule {
  id: string;
  name: string;
  /** Position in the brand's rule list (0-based); explanations show it 1-based. */
  index: number;
  condition: CompiledCondition;
  actions: readonly RuleAction[];
  stops: boolean;
}

/** A rule set ready to evaluate many times; build it once per rule-set version. */
export interface CompiledRuleSet {
  readonly compiled: true;
  readonly rules: readonly CompiledRule[];
}

function compileCondition(c: Condition, field: string): CompiledCondition {
  switch (c.type) {
    case 'all': {
      const parts = c.conditions.map((x, i) => compileCondition(x, `${field}.conditions[${i}]`));
      return {
        test: (f) => parts.every((p) => p.test(f)),
        why: (f) => parts.map((p) => p.why(f)).join(' and '),
        whyNot: (f) => parts.find((p) => !p.test(f))?.whyNot(f) ?? '',
      };
    }
    case 'any': {
      const parts = c.conditions.map((x, i) => compileCondition(x, `${field}.conditions[${i}]`));
      return {
        test: (f) => parts.some((p) => p.test(f)),
        // The first satisfied alternative is the reason a human needs; the others add noise.
        why: (f) => parts.find((p) => p.test(f))?.why(f) ?? '',
        whyNot: (f) => parts.map((p) => p.whyNot(f)).join(' and '),
      };
    }
    case 'not': {
      const inner = compileCondition(c.condition, `${field}.condition`);
      return { test: (f) => !inner.test(f), why: (f) => inner.whyNot(f), whyNot: (f) => inner.why(f) };
    }
    default:
      return compileLeaf(c, field);
  }
}

/**
 * Compiles rules (regexes built once, keyword lists merged into one pattern).
 * Throws EARSHOT_VALIDATION with the field path when a regex is unsafe or invalid.
 */
export function compileRules(rules: readonly RoutingRule[]): CompiledRuleSet {
  const compiled: CompiledRule[] = [];
  rules.forEach((r, index) => {
    if (!r.enabled) return;
    if (r.then.length === 0) throw new EarshotError('EARSHOT_VALIDATION', `rule '${r.id}' has no actions`, { field: `rules[${index}].then` });
    compiled.push({
      id: r.id,
      name: r.name,
      index,
      condition: compileCondition(r.when, `rules[${index}].when`),
      actions: r.then,
      stops: r.then.some((a) => a.type === 'stop'),
    });
  });
  return { compiled: true, rules: compiled };
}

export function isCompiledRuleSet(x: readonly RoutingRule[] | CompiledRuleSet): x is CompiledRuleSet {
  return !Array.isArray(x) && (x as CompiledRuleSet).compiled === true;
}
