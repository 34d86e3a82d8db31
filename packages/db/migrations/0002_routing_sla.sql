-- Routing rules, SLA policies, business hours, and the SLA/routing state kept on conversations.
-- Rule sets and policies are zod-validated jsonb written only by the routing/SLA services.

-- Every PUT of a brand's rules adds a version; the highest version is in force.
create table routing_rule_sets (
  brand_id    uuid not null references brands(id) on delete cascade,
  version     integer not null check (version > 0),
  rules       jsonb not null,
  created_by  uuid references users(id) on delete set null,
  created_at  timestamptz not null default now(),
  primary key (brand_id, version)
);

-- One policy per brand (team_id null) and optionally one per team, which wins for its conversations.
create table sla_policies (
  id          uuid primary key default gen_random_uuid(),
  brand_id    uuid not null references brands(id) on delete cascade,
  team_id     uuid references teams(id) on delete cascade,
  version     integer not null default 1,
  policy      jsonb not null,
  updated_at  timestamptz not null default now()
);
create unique index sla_policies_scope_idx on sla_policies (brand_id, coalesce(team_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- Opening hours per brand (team_id null) or team; without a row the SLA clock runs around the clock.
create table business_hours (
  id          uuid primary key default gen_random_uuid(),
  brand_id    uuid not null references brands(id) on delete cascade,
  team_id     uuid references teams(id) on delete cascade,
  hours       jsonb not null,
  updated_at  timestamptz not null default now()
);
create unique index business_hours_scope_idx on business_hours (brand_id, coalesce(team_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- Round-robin position per assignment pool ('brand' or a team id), so ties rotate across restarts.
create table routing_cursors (
  brand_id       uuid not null references brands(id) on delete cascade,
  scope          text not null,
  last_agent_id  uuid,
  updated_at     timestamptz not null default now(),
  primary key (brand_id, scope)
);

alter table conversations
  add column sla_policy                  text,
  add column sla_state                   text check (sla_state in ('ok', 'warning', 'breached', 'met', 'paused')),
  add column sla_first_response_due_at   timestamptz,
  add column sla_next_response_due_at    timestamptz,
  add column sla_resolution_due_at       timestamptz,
  add column sla_next_evaluation_at      timestamptz,
  add column sla_first_response_breached boolean not null default false,
  add column sla_next_response_breached  boolean not null default false,
  add column sla_resolution_breached     boolean not null default false,
  -- Keys of warnings, breaches and escalation actions already acted on: the SLA job never acts twice.
  add column sla_raised                  text[] not null default '{}',
  add column sla_clock                   jsonb,
  add column sla_evaluated_at            timestamptz,
  add column routing                     jsonb;
create index conversations_sla_due_idx on conversations (brand_id, sla_state, sla_next_evaluation_at);
