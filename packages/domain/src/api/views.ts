import { z } from 'zod';

// Response shapes of the REST API. Services return these; routes declare them, so OpenAPI and the
// desk see exactly what goes over the wire.

export const ConversationStatus = z.enum(['open', 'pending', 'snoozed', 'resolved']);
export const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
export const RoleEnum = z.enum(['admin', 'supervisor', 'agent', 'agency_agent', 'viewer']);

const iso = z.string();

export const ContactSummary = z.object({
  id: z.string(), name: z.string().nullable(), handle: z.string().nullable(), followers: z.number().nullable(), vip: z.boolean(),
});

export const ConversationView = z.object({
  id: z.string(),
  status: ConversationStatus,
  priority: Priority,
  channel: z.object({ id: z.string(), kind: z.string(), name: z.string() }),
  contact: ContactSummary,
  teamId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  subject: z.string(),
  preview: z.string(),
  isPublic: z.boolean(),
  tags: z.array(z.string()),
  needsResponse: z.boolean(),
  triage: z.record(z.string(), z.unknown()).nullable(),
  firstReplyAt: iso.nullable(),
  waitingSince: iso.nullable(),
  lastActivityAt: iso,
  lastInboundAt: iso.nullable(),
  snoozedUntil: iso.nullable(),
  resolvedAt: iso.nullable(),
  messageCount: z.number(),
  createdAt: iso,
  /** SLA due times and state, stored by the SLA service (recomputable from the conversation's log). */
  sla: z.object({
    policy: z.string().nullable(),
    state: z.enum(['ok', 'warning', 'breached', 'met', 'paused']).nullable(),
    firstResponseDueAt: iso.nullable(),
    nextResponseDueAt: iso.nullable(),
    resolutionDueAt: iso.nullable(),
    nextEvaluationAt: iso.nullable(),
    breached: z.object({ firstResponse: z.boolean(), nextResponse: z.boolean(), resolution: z.boolean() }),
  }).optional(),
  /** Why routing did what it did ("matched rule 3 'Legal threats' because …"). */
  routingExplanation: z.string().nullable().optional(),
});
export type ConversationView = z.infer<typeof ConversationView>;

export const MessageView = z.object({
  id: z.string(),
  conversationId: z.string(),
  channelId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  visibility: z.enum(['public', 'private']),
  kind: z.enum(['message', 'note', 'event']),
  text: z.string(),
  author: z.object({ type: z.enum(['contact', 'user', 'system']), id: z.string().nullable(), name: z.string().nullable(), handle: z.string().nullable() }),
  providerMessageId: z.string().nullable(),
  replyToProviderId: z.string().nullable(),
  authorFollowers: z.number().nullable(),
  attachments: z.array(z.unknown()),
  triage: z.record(z.string(), z.unknown()).nullable(),
  deliveryStatus: z.string().nullable(),
  deliveryError: z.string().nullable(),
  sentAt: iso,
  createdAt: iso,
  /** Colleagues @mentioned in an internal note. */
  mentions: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
});
export type MessageView = z.infer<typeof MessageView>;

export const ConversationPage = z.object({ items: z.array(ConversationView), nextCursor: z.string().nullable() });
export type ConversationPage = z.infer<typeof ConversationPage>;

export const IncidentStatus = z.enum(['open', 'resolved']);
export const IncidentView = z.object({
  id: z.string(), title: z.string(), status: IncidentStatus, createdBy: z.string().nullable(), createdAt: iso, updatedAt: iso, resolvedAt: iso.nullable(),
  conversationCount: z.number(),
});
export type IncidentView = z.infer<typeof IncidentView>;
export const IncidentPage = z.object({ items: z.array(IncidentView), nextCursor: z.string().nullable() });
export type IncidentPage = z.infer<typeof IncidentPage>;
/** An incident a conversation is linked to, with who linked it and when (shown in the timeline). */
export const IncidentLinkView = z.object({ id: z.string(), title: z.string(), status: IncidentStatus, linkedAt: iso, linkedBy: z.string().nullable() });
export type IncidentLinkView = z.infer<typeof IncidentLinkView>;

export const ConversationDetail = z.object({ conversation: ConversationView, messages: z.array(MessageView), incidents: z.array(IncidentLinkView).optional() });
export type ConversationDetail = z.infer<typeof ConversationDetail>;

export const IdentityView = z.object({
  id: z.string(), channelKind: z.string(), externalId: z.string(), handle: z.string().nullable(), displayName: z.string().nullable(), followers: z.number().nullable(),
});
export const ContactView = z.object({
  id: z.string(), name: z.string().nullable(), email: z.string().nullable(), vip: z.boolean(), tags: z.array(z.string()), notes: z.string(),
  attributes: z.record(z.string(), z.unknown()), identities: z.array(IdentityView), mergedInto: z.string().nullable(),
  conversations: z.array(z.object({ id: z.string(), status: ConversationStatus, preview: z.string(), lastActivityAt: iso, channelKind: z.string() })),
  createdAt: iso,
  /** Fields from the brand's CRM look-up hook (null: no hook and nothing fetched before). */
  crm: z.object({
    status: z.enum(['ok', 'error']), attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    fetchedAt: iso.nullable(), error: z.string().nullable(),
  }).nullable(),
});
export type ContactView = z.infer<typeof ContactView>;

/** The brand's CRM look-up hook as an admin sees it: never the secret, only whether one is set. */
export const CrmHookView = z.object({ configured: z.boolean(), url: z.string().nullable(), secretSet: z.boolean(), updatedAt: iso.nullable() });
export type CrmHookView = z.infer<typeof CrmHookView>;

/** A contact found by the merge search: enough to tell two customers apart. */
export const ContactMatch = z.object({
  id: z.string(), name: z.string().nullable(), email: z.string().nullable(), vip: z.boolean(), identities: z.array(IdentityView), conversationCount: z.number(),
});
export type ContactMatch = z.infer<typeof ContactMatch>;
export const ContactMatchPage = z.object({ items: z.array(ContactMatch), nextCursor: z.string().nullable() });
export type ContactMatchPage = z.infer<typeof ContactMatchPage>;

/** A note that @mentions the signed-in agent. */
export const MentionView = z.object({
  messageId: z.string(), conversationId: z.string(), text: z.string(), author: z.object({ id: z.string(), name: z.string() }).nullable(),
  contact: z.object({ name: z.string().nullable(), handle: z.string().nullable() }), channelKind: z.string(), createdAt: iso, readAt: iso.nullable(),
});
export type MentionView = z.infer<typeof MentionView>;
export const MentionPage = z.object({ items: z.array(MentionView), nextCursor: z.string().nullable(), unread: z.number() });
export type MentionPage = z.infer<typeof MentionPage>;

export const UserView = z.object({
  id: z.string(), email: z.string(), name: z.string(), role: RoleEnum, availability: z.string(), skills: z.array(z.string()),
  capacity: z.record(z.string(), z.number()), teamIds: z.array(z.string()),
});
export type UserView = z.infer<typeof UserView>;

export const TeamView = z.object({ id: z.string(), name: z.string(), skills: z.array(z.string()), memberIds: z.array(z.string()) });
export type TeamView = z.infer<typeof TeamView>;
