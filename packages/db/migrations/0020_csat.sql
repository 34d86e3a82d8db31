-- Satisfaction surveys (ADR 0019). One survey per resolution (resolution_key = conversation id and
-- resolution time): the link's token is never stored, only its sha256; it expires after 28 days,
-- and its one answer may be changed until then. Who and where (agent, team, channel, public or
-- private) are copied at send time so the report does not move when a conversation is reassigned.
create table if not exists csat_surveys (
  id              uuid primary key default gen_random_uuid(),
  brand_id        uuid not null references brands(id) on delete cascade,
  conversation_id uuid not null references conversations(id) on delete cascade,
  resolution_key  text not null unique,
  token_hash      text unique,
  status          text not null default 'sent' check (status in ('sent', 'skipped')),
  skip_reason     text,
  message_id      uuid,
  agent_id        uuid references users(id) on delete set null,
  team_id         uuid,
  channel_id      uuid not null,
  visibility      text not null check (visibility in ('public', 'private')),
  sent_at         timestamptz not null,
  expires_at      timestamptz not null,
  score           integer check (score between 1 and 5),
  comment         text,
  reasons         text[] not null default '{}',
  answered_at     timestamptz,
  answer_count    integer not null default 0,
  created_at      timestamptz not null default now()
);
create index if not exists csat_surveys_brand_sent_idx on csat_surveys (brand_id, sent_at);
create index if not exists csat_surveys_conversation_idx on csat_surveys (brand_id, conversation_id, sent_at desc);

-- Tasks for an agent that come after the answer: a follow-up after a low score, a call-back.
-- source_key dedupes (one task per survey, per follow-up); due_at orders the agent's queue.
create table if not exists care_tasks (
  id              uuid primary key default gen_random_uuid(),
  brand_id        uuid not null references brands(id) on delete cascade,
  conversation_id uuid not null references conversations(id) on delete cascade,
  kind            text not null check (kind in ('csat_follow_up', 'call_back')),
  source_key      text not null unique,
  title           text not null,
  assignee_id     uuid references users(id) on delete set null,
  team_id         uuid,
  due_at          timestamptz not null,
  status          text not null default 'open' check (status in ('open', 'done')),
  outcome         text,
  done_by         uuid references users(id) on delete set null,
  done_at         timestamptz,
  created_at      timestamptz not null default now()
);
create index if not exists care_tasks_assignee_idx on care_tasks (brand_id, assignee_id, due_at) where status = 'open';
create index if not exists care_tasks_conversation_idx on care_tasks (brand_id, conversation_id, created_at);
