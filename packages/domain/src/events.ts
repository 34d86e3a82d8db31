/**
 * Every desk event the server publishes (`GET /api/v1/events`, the event bus). One list for both
 * sides: the server's `DeskEvent.type` is this union, so publishing a name that is not here does
 * not compile, and the desk listens for exactly these names (apps/web/src/app/live.ts).
 */
export const DESK_EVENT_TYPES = [
  'message.created', 'message.updated',
  'conversation.created', 'conversation.updated', 'conversation.routed', 'conversation.reopened', 'conversation.assigned',
  'conversation.opened', 'conversation.pending', 'conversation.snoozed', 'conversation.resolved',
  'conversation.priority_changed', 'conversation.tagged', 'conversation.note_added', 'conversation.transferred', 'conversation.escalated',
  'conversation.incident_linked', 'conversation.incident_unlinked', 'incident.updated',
  'sla.warning', 'sla.breached', 'sla.escalated',
  'triage.model_trained', 'triage.model_promoted', 'triage.model_rolled_back',
  'presence.updated', 'mention.read', 'webhook.disabled',
] as const;

export type DeskEventType = (typeof DESK_EVENT_TYPES)[number];

export function isDeskEventType(v: string): v is DeskEventType {
  return (DESK_EVENT_TYPES as readonly string[]).includes(v);
}
