-- Follow-up after resolution (ADR 0019). A policy per brand (team_id null) and optionally per team:
-- wait N hours (business hours or around the clock), then a templated message in the customer's
-- channel, or a call-back task for phone customers. One follow-up row per resolution
-- (resolution_key unique): never two for one resolution. Without a policy nothing is sent.
create table if not exists followup_policies (
  id              uuid primary key default gen_random_uuid(),
  brand_id        uuid not null references brands(id) on delete cascade,
  team_id         uuid references teams(id) on delete cascade,
  enabled         boolean not null default true,
  wait_hours      integer not null check (wait_hours between 1 and 720),
  business_hours  boolean not null default true,
  template        text not null,
  -- also send a satisfaction survey (0020) right after each resolution
  survey          boolean not null default false,
  updated_by      uuid references users(id) on delete set null,
  updated_at      timestamptz not null default now()
);
create unique index if not exists followup_policies_scope_idx on followup_policies (brand_id, coalesce(team_id, '00000000-0000-0000-0000-000000000000'::uuid));

create table if not exists followups (
  id              uuid primary key default gen_random_uuid(),
  brand_id        uuid not null references brands(id) on delete cascade,
  conversation_id uuid not null references conversations(id) on delete cascade,
  resolution_key  text not null unique,
  policy_id       uuid references followup_policies(id) on delete set null,
  status          text not null default 'scheduled' check (status in ('scheduled', 'sent', 'task', 'skipped')),
  due_at          timestamptz not null,
  agent_id        uuid references users(id) on delete set null,
  message_id      uuid,
  task_id         uuid,
  skip_reason     text,
  done_at         timestamptz,
  created_at      timestamptz not null default now()
);
create index if not exists followups_conversation_idx on followups (brand_id, conversation_id, created_at desc);

-- Incident notices (ADR 0019): an update posted from an incident goes to every linked conversation
-- through the delivery queue, at most once per update × conversation (unique below); a notice's
-- progress is its message's delivery status. Bulk replies from an inbox selection use the same rows
-- with incident_id null.
create table if not exists notice_batches (
  id               uuid primary key default gen_random_uuid(),
  brand_id         uuid not null references brands(id) on delete cascade,
  incident_id      uuid references incidents(id) on delete cascade,
  kind             text not null check (kind in ('incident_update', 'incident_resolution', 'bulk_reply')),
  text             text not null,
  idempotency_key  text,
  created_by       uuid references users(id) on delete set null,
  created_at       timestamptz not null default now(),
  unique (brand_id, idempotency_key)
);
create index if not exists notice_batches_incident_idx on notice_batches (brand_id, incident_id, created_at desc);

create table if not exists notices (
  batch_id         uuid not null references notice_batches(id) on delete cascade,
  conversation_id  uuid not null references conversations(id) on delete cascade,
  brand_id         uuid not null references brands(id) on delete cascade,
  message_id       uuid,
  skip_reason      text,
  primary key (batch_id, conversation_id)
);
