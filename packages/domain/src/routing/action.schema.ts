import { z } from 'zod';
import { ConversationPriority } from './priority';

const Id = z.string().min(1).max(200);
const Tag = z.string().trim().min(1).max(100);

export const SetPriorityAction = z.object({ type: z.literal('set_priority'), priority: ConversationPriority });
/**
 * Route to a team by id, or by skill when the rule is shared data that cannot know the brand's
 * team ids (the default rule set); the routing service resolves a skill to the brand's team.
 */
export const SetTeamAction = z
  .object({ type: z.literal('set_team'), teamId: Id.optional(), skill: Tag.optional() })
  .refine((a) => (a.teamId === undefined) !== (a.skill === undefined), { message: 'give exactly one of teamId or skill' });
export const AddTagsAction = z.object({ type: z.literal('add_tags'), tags: z.array(Tag).min(1).max(50) });
/** Assign to a named agent, or let auto-assignment pick one (optionally needing a skill). */
export const AssignAction = z.discriminatedUnion('mode', [
  z.object({ type: z.literal('assign'), mode: z.literal('agent'), agentId: Id }),
  z.object({ type: z.literal('assign'), mode: z.literal('auto'), skill: Tag.optional() }),
]);
export const AcknowledgeAction = z.object({ type: z.literal('acknowledge'), templateId: Id });
export const NoResponseNeededAction = z.object({ type: z.literal('mark_no_response_needed') });
export const EscalateAction = z.object({ type: z.literal('escalate'), reason: z.string().min(1).max(500) });
export const LinkIncidentAction = z.object({ type: z.literal('link_incident'), incidentId: Id });
/** Later rules are not evaluated once a matching rule has a stop action. */
export const StopAction = z.object({ type: z.literal('stop') });

export const RuleAction = z.union([
  SetPriorityAction,
  SetTeamAction,
  AddTagsAction,
  AssignAction,
  AcknowledgeAction,
  NoResponseNeededAction,
  EscalateAction,
  LinkIncidentAction,
  StopAction,
]);
export type RuleAction = z.infer<typeof RuleAction>;
