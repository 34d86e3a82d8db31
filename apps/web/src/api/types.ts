// Wire shapes. The API's own zod views are the source of truth (type-only import: nothing of the
// server ships to the browser); the rest mirrors the route schemas in apps/server/src/routes.
import type { ContactView, ConversationDetail, ConversationPage, ConversationView, DeskEventType, MessageView, Permission, RoleName, TeamView, UserView } from '@earshot/domain';

export type { ContactView, ConversationDetail, ConversationPage, ConversationView, MessageView, Permission, RoleName, TeamView, UserView };

export interface Me {
  user: { id: string | null; name: string | null; role: RoleName | null; operator: boolean };
  brand: { id: string; slug: string; name: string; timezone: string };
  permissions: Permission[];
  csrfToken: string | null;
}

export interface ChannelView {
  id: string; kind: string; name: string; status: string; statusDetail: string | null;
  settings: Record<string, unknown>; credentialKeys: string[]; createdAt: string;
}
export interface TokenView { id: string; name: string; prefix: string; scopes: string[]; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }
export interface CannedView { id: string; title: string; shortcut: string | null; text: string; createdAt: string; updatedAt: string }
export interface PresenceEntry { userId: string; name: string; state: 'viewing' | 'typing'; at: string }
export interface RepeatCount { count: number; windowDays: number; lastSentAt: string | null }
export interface AuditEvent { seq: string; actorType: string; actorId: string | null; action: string; subjectType: string; subjectId: string | null; before: unknown; after: unknown; createdAt: string }

export interface DeskEvent { type: DeskEventType; brandId: string; conversationId?: string; messageId?: string; userId?: string; at: string; data?: Record<string, unknown> }

export type ViewName = 'all' | 'mine' | 'unassigned' | 'my_teams' | 'needs_response' | 'mentions_needing_response';
export type SortName = 'recent' | 'waiting' | 'priority' | 'sla_due';

export interface InboxFilters {
  view: ViewName;
  status: string[];
  priority: string[];
  channelKind: string;
  sentiment: string;
  topic: string;
  language: string;
  tag: string;
  assigneeId: string;
  teamId: string;
  /** Kept in the address (?incident=), not in the inbox's own state: see app/router.ts. */
  incidentId: string;
  q: string;
  sort: SortName;
}
