-- Earshot initial schema. Forward-only: never edit after it lands; add 0002_… instead.
-- Every row that belongs to a brand carries brand_id and every repository call filters on it.

create table brands (
  id          uuid primary key default gen_random_uuid(),
  slug        text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name        text not null,
  timezone    text not null default 'UTC',
  settings    jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now()
);

create table users (
  id             uuid primary key default gen_random_uuid(),
  email          text not null unique check (email = lower(email)),
  name           text not null,
  password_hash  text,
  created_at     timestamptz not null default now(),
  disabled_at    timestamptz
);

-- A user's role and working state within one brand.
create table memberships (
  brand_id      uuid not null references brands(id) on delete cascade,
  user_id       uuid not null references users(id) on delete cascade,
  role          text not null check (role in ('admin', 'supervisor', 'agent', 'agency_agent', 'viewer')),
  availability  text not null default 'offline' check (availability in ('online', 'away', 'offline')),
  capacity      jsonb not null default '{"default": 10}'::jsonb,
  skills        text[] not null default '{}',
  created_at    timestamptz not null default now(),
  primary key (brand_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

create table teams (
  id          uuid primary key default gen_random_uuid(),
  brand_id    uuid not null references brands(id) on delete cascade,
  name        text not null,
  skills      text[] not null default '{}',
  settings    jsonb not null default '{}'::jsonb,
  created_at  timestamptz not null default now(),
  unique (brand_id, name),
  unique (brand_id, id)
);

create table team_members (
  brand_id  uuid not null,
  team_id   uuid not null,
  user_id   uuid not null,
  primary key (team_id, user_id),
  foreign key (brand_id, team_id) references teams (brand_id, id) on delete cascade,
  foreign key (brand_id, user_id) references memberships (brand_id, user_id) on delete cascade
);

create table sessions (
  id            text primary key,            -- sha256 of the cookie token; the token itself is never stored
  user_id       uuid not null references users(id) on delete cascade,
  brand_id      uuid not null references brands(id) on delete cascade,
  csrf_token    text not null,
  created_at    timestamptz not null default now(),
  last_seen_at  timestamptz not null default now(),
  expires_at    timestamptz not null
);
create index sessions_user_idx on sessions (user_id);

create table api_tokens (
  id            uuid primary key default gen_random_uuid(),
  brand_id      uuid not null references brands(id) on delete cascade,
  user_id       uuid references users(id) on delete set null,
  name          text not null,
  token_hash    text not null unique,          -- sha256 of the token; shown once at creation
  prefix        text not null,                 -- first characters, to recognise a token in lists
  scopes        text[] not null,
  created_at    timestamptz not null default now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
create index api_tokens_brand_idx on api_tokens (brand_id);

create table channels (
  id               uuid primary key default gen_random_uuid(),
  brand_id         uuid not null references brands(id) on delete cascade,
  kind             text not null check (kind in ('api', 'x', 'facebook', 'instagram', 'email', 'webchat', 'webform', 'phone', 'feed', 'import')),
  name             text not null,
  status           text not null default 'active' check (status in ('active', 'paused', 'error', 'disconnected')),
  credentials_enc  text,                       -- AES-256-GCM with EARSHOT_SECRET_KEY; never returned by the API
  settings         jsonb not null default '{}'::jsonb,
  status_detail    text,
  created_at       timestamptz not null default now(),
  unique (brand_id, id)
);
create index channels_brand_idx on channels (brand_id);

-- Small per-channel key/value state: polling cursors, provider budgets.
create table channel_state (
  channel_id  uuid not null references channels(id) on delete cascade,
  key         text not null,
  value       jsonb not null,
  updated_at  timestamptz not null default now(),
  primary key (channel_id, key)
);

create table contacts (
  id           uuid primary key default gen_random_uuid(),
  brand_id     uuid not null references brands(id) on delete cascade,
  name         text,
  email        text,
  attributes   jsonb not null default '{}'::jsonb,
  tags         text[] not null default '{}',
  vip          boolean not null default false,
  notes        text not null default '',
  merged_into  uuid references contacts(id),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  unique (brand_id, id)
);
create index contacts_brand_idx on contacts (brand_id, created_at desc);

create table contact_identities (
  id            uuid primary key default gen_random_uuid(),
  brand_id      uuid not null references brands(id) on delete cascade,
  contact_id    uuid not null references contacts(id) on delete cascade,
  channel_kind  text not null,
  external_id   text not null,                 -- provider's stable user id (or email address)
  handle        text,
  display_name  text,
  followers     integer,
  created_at    timestamptz not null default now(),
  unique (brand_id, channel_kind, external_id)
);
create index contact_identities_contact_idx on contact_identities (contact_id);

create table conversations (
  id                 uuid primary key default gen_random_uuid(),
  brand_id           uuid not null references brands(id) on delete cascade,
  contact_id         uuid not null references contacts(id),
  channel_id         uuid not null references channels(id),
  status             text not null default 'open' check (status in ('open', 'pending', 'snoozed', 'resolved')),
  priority           text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
  team_id            uuid references teams(id) on delete set null,
  assignee_id        uuid references users(id) on delete set null,
  subject            text not null default '',
  preview            text not null default '',
  is_public          boolean not null default true,
  tags               text[] not null default '{}',
  needs_response     boolean not null default true,
  triage             jsonb,                   -- labels of the latest inbound message, denormalised for the inbox
  first_reply_at     timestamptz,
  waiting_since      timestamptz,
  last_activity_at   timestamptz not null default now(),
  last_inbound_at    timestamptz,
  snoozed_until      timestamptz,
  resolved_at        timestamptz,
  message_count      integer not null default 0,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  unique (brand_id, id)
);
create index conversations_inbox_idx on conversations (brand_id, status, last_activity_at desc, id desc);
create index conversations_assignee_idx on conversations (brand_id, assignee_id, status, last_activity_at desc);
create index conversations_team_idx on conversations (brand_id, team_id, status, last_activity_at desc);
create index conversations_contact_idx on conversations (brand_id, contact_id, status);

-- Provider thread keys (tweet ids, DM thread ids, email Message-IDs) that lead to a conversation.
create table conversation_threads (
  brand_id         uuid not null,
  channel_id       uuid not null,
  thread_key       text not null,
  conversation_id  uuid not null references conversations(id) on delete cascade,
  primary key (channel_id, thread_key)
);

create table messages (
  id                    uuid primary key default gen_random_uuid(),
  brand_id              uuid not null references brands(id) on delete cascade,
  conversation_id       uuid not null references conversations(id) on delete cascade,
  channel_id            uuid not null references channels(id),
  direction             text not null check (direction in ('inbound', 'outbound')),
  visibility            text not null check (visibility in ('public', 'private')),
  kind                  text not null default 'message' check (kind in ('message', 'note', 'event')),
  author_identity_id    uuid references contact_identities(id) on delete set null,
  author_user_id        uuid references users(id) on delete set null,
  text                  text not null,
  provider_message_id   text,
  provider_thread_id    text,
  reply_to_provider_id  text,
  author_followers      integer,
  attachments           jsonb not null default '[]'::jsonb,
  raw                   jsonb,
  triage                jsonb,
  delivery_status       text check (delivery_status in ('queued', 'awaiting_approval', 'sending', 'sent', 'failed')),
  delivery_error        text,
  idempotency_key       text,
  sent_at               timestamptz not null default now(),  -- when the author sent it (provider time for inbound)
  created_at            timestamptz not null default clock_timestamp()  -- insertion order breaks sent_at ties (providers give seconds)
);
create unique index messages_provider_idx on messages (channel_id, provider_message_id) where provider_message_id is not null;
create unique index messages_idempotency_idx on messages (brand_id, idempotency_key) where idempotency_key is not null;
create index messages_conversation_idx on messages (conversation_id, sent_at, id);
create index messages_search_idx on messages using gin (to_tsvector('simple', text));

-- Raw provider events, stored before they are acknowledged. Same provider event id twice = one row.
create table inbound_events (
  id                 bigserial primary key,
  brand_id           uuid not null references brands(id) on delete cascade,
  channel_id         uuid not null references channels(id) on delete cascade,
  provider_event_id  text not null,
  payload            jsonb not null,
  received_at        timestamptz not null default now(),
  processed_at       timestamptz,
  unique (channel_id, provider_event_id)
);

-- Durable work. Written in the same transaction as the change that needs it.
create table jobs (
  id            bigserial primary key,
  brand_id      uuid references brands(id) on delete cascade,
  name          text not null,
  payload       jsonb not null default '{}'::jsonb,
  key           text,
  state         text not null default 'queued' check (state in ('queued', 'running', 'done', 'dead')),
  run_at        timestamptz not null default now(),
  attempts      integer not null default 0,
  max_attempts  integer not null default 8,
  locked_by     text,
  locked_at     timestamptz,
  last_error    text,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
create index jobs_ready_idx on jobs (run_at, id) where state = 'queued';
create index jobs_running_idx on jobs (locked_at) where state = 'running';
create unique index jobs_key_idx on jobs (key) where key is not null and state in ('queued', 'running');

create table audit_events (
  id            bigserial primary key,
  brand_id      uuid not null references brands(id) on delete cascade,
  seq           bigint not null,
  actor_type    text not null check (actor_type in ('user', 'token', 'system', 'channel')),
  actor_id      text,
  action        text not null,
  subject_type  text not null,
  subject_id    text,
  before        jsonb,
  after         jsonb,
  created_at    timestamptz not null,
  prev_hash     text not null,
  hash          text not null,
  unique (brand_id, seq)
);

create function audit_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events is append-only (% refused)', tg_op using errcode = '42501';
end;
$$;
create trigger audit_events_no_update before update or delete on audit_events
  for each row execute function audit_events_append_only();
create trigger audit_events_no_truncate before truncate on audit_events
  for each statement execute function audit_events_append_only();
