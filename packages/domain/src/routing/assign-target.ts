import type { RuleAction } from './action.schema';
import { applyActions, emptyActions, type AssignTarget } from './decision';

/**
 * The assignment a routing decision asked for, replayed from the rules it matched (by id and
 * position in the rule set in force then): a conversation left in the queue keeps its target
 * (a named agent, or auto with a skill) when it is picked up later. Null when no matched rule
 * assigns, or when the rule set no longer holds those rules.
 */
export function assignTargetOf(rules: readonly { id: string; then: readonly RuleAction[] }[], matched: readonly { ruleId: string; index: number }[]): AssignTarget | null {
  const acc = emptyActions();
  for (const m of [...matched].sort((a, b) => a.index - b.index)) {
    const rule = rules[m.index];
    if (!rule || rule.id !== m.ruleId) return null;
    applyActions(acc, rule.then, rule.id);
  }
  return acc.assign;
}
