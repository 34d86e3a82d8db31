import type { ColumnType, Generated } from 'kysely';

// Row types of the tables in migrations/. Keep in step with the SQL: a test compares them.
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T = unknown> = ColumnType<T, string, string>;
/** A jsonb column with a default: optional on insert. */
type JsonD<T = unknown> = ColumnType<T, string | undefined, string>;
/** bigint columns come back as strings from pg: ids of jobs, inbound events and audit rows. */
type BigIdColumn = ColumnType<string, never, never>;

export type Role = 'admin' | 'supervisor' | 'agent' | 'agency_agent' | 'viewer';
export type Availability = 'online' | 'away' | 'offline';
export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface BrandsTable { id: Generated<string>; slug: string; name: string; timezone: Generated<string>; settings: JsonD<Record<string, unknown>>; created_at: CreatedAt }
export interface UsersTable { id: Generated<string>; email: string; name: string; password_hash: string | null; created_at: CreatedAt; disabled_at: Timestamp | null; operator: Generated<boolean> }
export interface MembershipsTable {
  brand_id: string; user_id: string; role: Role; availability: Generated<Availability>;
  capacity: JsonD<Record<string, number>>; skills: Generated<string[]>; created_at: CreatedAt;
}
export interface TeamsTable { id: Generated<string>; brand_id: string; name: string; skills: Generated<string[]>; settings: JsonD<Record<string, unknown>>; created_at: CreatedAt }
export interface TeamMembersTable { brand_id: string; team_id: string; user_id: string }
export interface SessionsTable { id: string; user_id: string; brand_id: string; csrf_token: string; created_at: CreatedAt; last_seen_at: Generated<Date>; expires_at: Timestamp }
export interface ApiTokensTable {
  id: Generated<string>; brand_id: string; user_id: string | null; name: string; token_hash: string; prefix: string;
  scopes: string[]; created_at: CreatedAt; last_used_at: Timestamp | null; revoked_at: Timestamp | null;
}
export interface ChannelsTable {
  id: Generated<string>; brand_id: string; kind: string; name: string; status: Generated<string>;
  credentials_enc: string | null; settings: JsonD<Record<string, unknown>>; status_detail: string | null; created_at: CreatedAt;
}
export interface ChannelStateTable { channel_id: string; key: string; value: Json; updated_at: Generated<Date> }
export interface ContactsTable {
  id: Generated<string>; brand_id: string; name: string | null; email: string | null;
  attributes: JsonD<Record<string, unknown>>; tags: Generated<string[]>; vip: Generated<boolean>; notes: Generated<string>;
  merged_into: string | null; created_at: CreatedAt; updated_at: Generated<Date>;
  crm_attributes: JsonD<Record<string, unknown>>; crm_fetched_at: Date | null; crm_checked_at: Date | null; crm_error: string | null;
}
export interface ContactIdentitiesTable {
  id: Generated<string>; brand_id: string; contact_id: string; channel_kind: string; external_id: string;
  handle: string | null; display_name: string | null; followers: number | null; created_at: CreatedAt;
}
export interface ConversationsTable {
  id: Generated<string>; brand_id: string; contact_id: string; channel_id: string;
  status: Generated<ConversationStatus>; priority: Generated<Priority>; team_id: string | null; assignee_id: string | null;
  subject: Generated<string>; preview: Generated<string>; is_public: Generated<boolean>; tags: Generated<string[]>;
  needs_response: Generated<boolean>; triage: Json | null;
  first_reply_at: Timestamp | null; waiting_since: Timestamp | null; last_activity_at: Generated<Date>; last_inbound_at: Timestamp | null;
  /** The latest inbound message was public (a post or comment): the Mentions needing response view (0013). */
  last_inbound_public: Generated<boolean>;
  snoozed_until: Timestamp | null; resolved_at: Timestamp | null; message_count: Generated<number>;
  created_at: CreatedAt; updated_at: Generated<Date>;
  sla_policy: string | null; sla_state: SlaStateValue | null;
  sla_first_response_due_at: Timestamp | null; sla_next_response_due_at: Timestamp | null; sla_resolution_due_at: Timestamp | null;
  sla_next_evaluation_at: Timestamp | null; sla_first_response_breached: Generated<boolean>; sla_next_response_breached: Generated<boolean>;
  sla_resolution_breached: Generated<boolean>; sla_raised: Generated<string[]>; sla_clock: Json | null; sla_evaluated_at: Timestamp | null;
  routing: Json | null;
}
export type SlaStateValue = 'ok' | 'warning' | 'breached' | 'met' | 'paused';
export interface RoutingRuleSetsTable { brand_id: string; version: number; rules: Json; created_by: string | null; created_at: CreatedAt }
export interface SlaPoliciesTable { id: Generated<string>; brand_id: string; team_id: string | null; version: Generated<number>; policy: Json; updated_at: Generated<Date> }
export interface BusinessHoursTable { id: Generated<string>; brand_id: string; team_id: string | null; hours: Json; updated_at: Generated<Date> }
export interface RoutingCursorsTable { brand_id: string; scope: string; last_agent_id: string | null; updated_at: Generated<Date> }
export interface ConversationThreadsTable { brand_id: string; channel_id: string; thread_key: string; conversation_id: string }
export interface MessagesTable {
  id: Generated<string>; brand_id: string; conversation_id: string; channel_id: string;
  direction: 'inbound' | 'outbound'; visibility: 'public' | 'private'; kind: Generated<'message' | 'note' | 'event'>;
  author_identity_id: string | null; author_user_id: string | null; text: string;
  provider_message_id: string | null; provider_thread_id: string | null; reply_to_provider_id: string | null;
  author_followers: number | null; attachments: JsonD<unknown[]>; raw: Json | null; triage: Json | null;
  /** The inbound event (raw provider payload) a received message came from; null for messages written by Earshot. */
  inbound_event_id: Generated<string | null>;
  delivery_status: 'queued' | 'awaiting_approval' | 'sending' | 'sent' | 'failed' | null; delivery_error: string | null;
  idempotency_key: string | null; sent_at: Generated<Date>; created_at: CreatedAt;
}
export interface InboundEventsTable {
  id: BigIdColumn & Generated<string>; brand_id: string; channel_id: string; provider_event_id: string; payload: Json;
  received_at: Generated<Date>; processed_at: Timestamp | null;
}
export interface JobsTable {
  id: Generated<string>; brand_id: string | null; name: string; payload: JsonD<Record<string, unknown>>; key: string | null;
  state: Generated<'queued' | 'running' | 'done' | 'dead'>; run_at: Generated<Date>; attempts: Generated<number>; max_attempts: Generated<number>;
  locked_by: string | null; locked_at: Timestamp | null; last_error: string | null; created_at: CreatedAt; updated_at: Generated<Date>;
}
export interface AuditEventsTable {
  id: Generated<string>; brand_id: string; seq: ColumnType<string, string | number, never>;
  actor_type: 'user' | 'token' | 'system' | 'channel'; actor_id: string | null; action: string;
  subject_type: string; subject_id: string | null; before: Json | null; after: Json | null;
  created_at: Timestamp; prev_hash: string; hash: string;
}
export interface CannedResponsesTable {
  id: Generated<string>; brand_id: string; title: string; shortcut: string | null; text: string;
  created_by: string | null; created_at: CreatedAt; updated_at: Generated<Date>;
}
export type TriageLabelName = 'sentiment' | 'topic' | 'intent' | 'needsResponse';
export type TriageModelState = 'candidate' | 'promoted' | 'retired';
export interface TriageCorrectionsTable {
  id: Generated<string>; brand_id: string; message_id: string; conversation_id: string; label: TriageLabelName;
  old_value: Json | null; new_value: Json; agent_id: string | null; created_at: CreatedAt;
}
export interface TriageModelsTable {
  id: Generated<string>; brand_id: string; version: string; model: Json; metrics: Json<Record<string, number | null>>;
  baseline_metrics: Json<Record<string, number | null>> | null; corrections: Generated<number>; state: TriageModelState;
  promoted_at: Timestamp | null; created_at: CreatedAt;
}
export interface NoteMentionsTable {
  brand_id: string; message_id: string; conversation_id: string; user_id: string; author_user_id: string | null;
  created_at: CreatedAt; read_at: Timestamp | null;
}
export type IncidentStatus = 'open' | 'resolved';
export interface IncidentsTable {
  id: Generated<string>; brand_id: string; title: string; status: Generated<IncidentStatus>; created_by: string | null;
  created_at: CreatedAt; updated_at: Generated<Date>; resolved_at: Timestamp | null;
}
export interface ConversationIncidentsTable { brand_id: string; conversation_id: string; incident_id: string; linked_by: string | null; linked_at: Generated<Date> }
export type KbArticleStatus = 'draft' | 'published' | 'archived';
export interface KbArticlesTable {
  id: Generated<string>; brand_id: string; title: string; slug: string; body: string; status: Generated<KbArticleStatus>; tags: Generated<string[]>;
  author_id: string | null; created_at: CreatedAt; updated_at: Generated<Date>; published_at: Timestamp | null; search: ColumnType<string, never, never>;
}
export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed';
export interface WebhookSubscriptionsTable {
  id: Generated<string>; brand_id: string; url: string; description: Generated<string>; events: string[]; secret_enc: string;
  enabled: Generated<boolean>; last_seq: ColumnType<string, string | number | undefined, string | number>; consecutive_failures: Generated<number>;
  disabled_reason: string | null; disabled_at: Timestamp | null; created_at: CreatedAt; updated_at: Generated<Date>;
}
export interface WebhookDeliveriesTable {
  id: Generated<string>; brand_id: string; subscription_id: string; event_id: ColumnType<string, string | number, never>; event_type: string;
  payload: Json<Record<string, unknown>>; state: Generated<WebhookDeliveryState>; attempts: Generated<number>; last_status: number | null;
  last_error: string | null; delivered_at: Timestamp | null; created_at: CreatedAt; updated_at: Generated<Date>;
}
export interface WebhookAttemptsTable {
  id: BigIdColumn; brand_id: string; delivery_id: string; attempt: number; manual: Generated<boolean>; status_code: number | null;
  duration_ms: number; error: string | null; response_excerpt: string | null; created_at: CreatedAt;
}
export type CommunityPostStatus = 'visible' | 'held' | 'hidden';
export interface CommunityMembersTable {
  id: Generated<string>; brand_id: string; email: string; display_name: string; contact_id: string | null;
  trusted_at: Timestamp | null; banned_at: Timestamp | null; created_at: CreatedAt;
}
export interface CommunityLoginTokensTable {
  token_hash: string; brand_id: string; email: string; display_name: string | null; expires_at: Timestamp; used_at: Timestamp | null; created_at: CreatedAt;
}
export interface CommunitySessionsTable { id: string; brand_id: string; member_id: string; csrf_token: string; expires_at: Timestamp; created_at: CreatedAt }
export interface CommunityQuestionsTable {
  id: Generated<string>; brand_id: string; member_id: string; topic: Generated<string>; title: string; body: string; tags: Generated<string[]>;
  status: Generated<CommunityPostStatus>; held_reason: string | null; locked_at: Timestamp | null; duplicate_of: string | null;
  accepted_answer_id: string | null; answered_at: Timestamp | null; escalated_at: Timestamp | null; conversation_id: string | null;
  kb_article_id: string | null; score: Generated<number>; answer_count: Generated<number>; created_at: CreatedAt; last_activity_at: Timestamp;
  search: ColumnType<string, never, never>;
}
export interface CommunityAnswersTable {
  id: Generated<string>; brand_id: string; question_id: string; member_id: string | null; author_user_id: string | null; is_staff: Generated<boolean>;
  body: string; status: Generated<CommunityPostStatus>; held_reason: string | null; score: Generated<number>; source_message_id: string | null; created_at: CreatedAt;
}
export interface CommunityCommentsTable {
  id: Generated<string>; brand_id: string; question_id: string; answer_id: string | null; member_id: string; body: string;
  status: Generated<CommunityPostStatus>; held_reason: string | null; created_at: CreatedAt;
}
export interface CommunityVotesTable { brand_id: string; member_id: string; target_type: 'question' | 'answer'; target_id: string; value: number; created_at: CreatedAt }
export interface CommunityReportsTable {
  id: Generated<string>; brand_id: string; member_id: string; target_type: 'question' | 'answer' | 'comment'; target_id: string; reason: string;
  created_at: CreatedAt; resolved_at: Timestamp | null; resolved_by: string | null;
}
export interface CommunityPostLogTable { brand_id: string; member_id: string; ip: string; created_at: CreatedAt }
export interface SchemaMigrationsTable { version: number; name: string; applied_at: Generated<Date> }

export interface CsatSurveysTable {
  id: Generated<string>; brand_id: string; conversation_id: string; resolution_key: string; token_hash: string | null;
  status: 'sent' | 'skipped'; skip_reason: string | null; message_id: string | null; agent_id: string | null; team_id: string | null;
  channel_id: string; visibility: 'public' | 'private'; sent_at: Timestamp; expires_at: Timestamp;
  score: number | null; comment: string | null; reasons: Generated<string[]>; answered_at: Timestamp | null; answer_count: Generated<number>; created_at: CreatedAt;
}
export type CareTaskKind = 'csat_follow_up' | 'call_back';
export interface CareTasksTable {
  id: Generated<string>; brand_id: string; conversation_id: string; kind: CareTaskKind; source_key: string; title: string;
  assignee_id: string | null; team_id: string | null; due_at: Timestamp; status: Generated<'open' | 'done'>; outcome: string | null;
  done_by: string | null; done_at: Timestamp | null; created_at: CreatedAt;
}
export interface FollowupPoliciesTable {
  id: Generated<string>; brand_id: string; team_id: string | null; enabled: Generated<boolean>; wait_hours: number; business_hours: Generated<boolean>;
  template: string; survey: Generated<boolean>; updated_by: string | null; updated_at: Generated<Date>;
}
export interface FollowupsTable {
  id: Generated<string>; brand_id: string; conversation_id: string; resolution_key: string; policy_id: string | null;
  status: Generated<'scheduled' | 'sent' | 'task' | 'skipped'>; due_at: Timestamp; agent_id: string | null; message_id: string | null; task_id: string | null;
  skip_reason: string | null; done_at: Timestamp | null; created_at: CreatedAt;
}
export type NoticeBatchKind = 'incident_update' | 'incident_resolution' | 'bulk_reply';
export interface NoticeBatchesTable {
  id: Generated<string>; brand_id: string; incident_id: string | null; kind: NoticeBatchKind; text: string; idempotency_key: string | null;
  created_by: string | null; created_at: CreatedAt;
}
export interface NoticesTable { batch_id: string; conversation_id: string; brand_id: string; message_id: string | null; skip_reason: string | null }
export interface DB {
  brands: BrandsTable; users: UsersTable; memberships: MembershipsTable; teams: TeamsTable; team_members: TeamMembersTable;
  sessions: SessionsTable; api_tokens: ApiTokensTable; channels: ChannelsTable; channel_state: ChannelStateTable;
  contacts: ContactsTable; contact_identities: ContactIdentitiesTable; conversations: ConversationsTable;
  conversation_threads: ConversationThreadsTable; messages: MessagesTable; inbound_events: InboundEventsTable;
  jobs: JobsTable; audit_events: AuditEventsTable; schema_migrations: SchemaMigrationsTable;
  routing_rule_sets: RoutingRuleSetsTable; sla_policies: SlaPoliciesTable; business_hours: BusinessHoursTable; routing_cursors: RoutingCursorsTable;
  canned_responses: CannedResponsesTable;
  triage_corrections: TriageCorrectionsTable; triage_models: TriageModelsTable;
  note_mentions: NoteMentionsTable; incidents: IncidentsTable; conversation_incidents: ConversationIncidentsTable;
  kb_articles: KbArticlesTable;
  webhook_subscriptions: WebhookSubscriptionsTable; webhook_deliveries: WebhookDeliveriesTable; webhook_attempts: WebhookAttemptsTable;
  community_members: CommunityMembersTable; community_login_tokens: CommunityLoginTokensTable; community_sessions: CommunitySessionsTable;
  community_questions: CommunityQuestionsTable; community_answers: CommunityAnswersTable; community_comments: CommunityCommentsTable;
  community_votes: CommunityVotesTable; community_reports: CommunityReportsTable; community_post_log: CommunityPostLogTable;
  csat_surveys: CsatSurveysTable; care_tasks: CareTasksTable; followup_policies: FollowupPoliciesTable; followups: FollowupsTable;
  notice_batches: NoticeBatchesTable; notices: NoticesTable;
}
