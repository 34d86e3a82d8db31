import type { RuleAction } from './action.schema';
import type { ConversationPriority } from './priority';
import { maxPriority } from './priority';

export type TeamTarget = { teamId: string } | { skill: string };
export type AssignTarget = { mode: 'agent'; agentId: string } | { mode: 'auto'; skill?: string };

/**
 * The merged effect of every matched rule. Merge policy (see ADR 0005): priority only rises
 * (the highest wins); single-valued fields (team, assignment, template, incident) are taken from
 * the first rule that sets them, because rule order is precedence; tags and escalations add up.
 */
export interface RoutingActions {
  priority: ConversationPriority | null;
  team: TeamTarget | null;
  tags: string[];
  assign: AssignTarget | null;
  acknowledgeTemplateId: string | null;
  noResponseNeeded: boolean;
  escalate: boolean;
  escalationReasons: string[];
  incidentId: string | null;
  /** Id of the rule whose stop action ended evaluation, if any. */
  stoppedByRuleId: string | null;
}

export function emptyActions(): RoutingActions {
  return {
    priority: null,
    team: null,
    tags: [],
    assign: null,
    acknowledgeTemplateId: null,
    noResponseNeeded: false,
    escalate: false,
    escalationReasons: [],
    incidentId: null,
    stoppedByRuleId: null,
  };
}

/** Folds one matched rule's actions into the running result (mutates `acc` for speed). */
export function applyActions(acc: RoutingActions, actions: readonly RuleAction[], ruleId: string): void {
  for (const a of actions) {
    switch (a.type) {
      case 'set_priority':
        acc.priority = acc.priority === null ? a.priority : maxPriority(acc.priority, a.priority);
        break;
      case 'set_team':
        if (acc.team === null) acc.team = a.teamId !== undefined ? { teamId: a.teamId } : { skill: a.skill ?? '' };
        break;
      case 'add_tags':
        for (const t of a.tags) if (!acc.tags.includes(t)) acc.tags.push(t);
        break;
      case 'assign':
        if (acc.assign === null) acc.assign = a.mode === 'agent' ? { mode: 'agent', agentId: a.agentId } : a.skill ? { mode: 'auto', skill: a.skill } : { mode: 'auto' };
        break;
      case 'acknowledge':
        acc.acknowledgeTemplateId ??= a.templateId;
        break;
      case 'mark_no_response_needed':
        acc.noResponseNeeded = true;
        break;
      case 'escalate':
        acc.escalate = true;
        if (!acc.escalationReasons.includes(a.reason)) acc.escalationReasons.push(a.reason);
        break;
      case 'link_incident':
        acc.incidentId ??= a.incidentId;
        break;
      case 'stop':
        acc.stoppedByRuleId = ruleId;
        break;
    }
  }
}
