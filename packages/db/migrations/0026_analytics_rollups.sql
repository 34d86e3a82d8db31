-- Analytics rollups (ADR 0022). Dashboards read hourly rollups, never raw messages.
-- A catch-up job per brand (`analytics.rollup`) follows the brand's audit trail from a cursor (every
-- change to a conversation or a message writes an audit row in its own transaction, in commit order
-- by seq), recomputes the facts of the conversations those rows name from their raw rows, and adds
-- the difference between their old and new facts to the rollups, in one transaction with the cursor.

create table if not exists analytics_cursors (
  brand_id    uuid primary key references brands(id) on delete cascade,
  last_seq    bigint not null default 0,
  updated_at  timestamptz not null default now()
);

-- What one conversation contributes to the rollups, as last computed from its raw rows. No foreign key
-- to conversations: the rollups must be able to take back what a conversation contributed.
create table if not exists analytics_conversation_facts (
  brand_id            uuid not null references brands(id) on delete cascade,
  conversation_id     uuid not null,
  opened_hour         timestamptz not null,
  resolved_hour       timestamptz,
  channel_id          uuid not null,
  channel_kind        text not null,
  team_id             uuid,
  assignee_id         uuid,
  topic               text,
  sentiment           text,
  is_public           boolean not null,
  tags                text[] not null default '{}',
  inbound             integer not null default 0,
  replies             integer not null default 0,
  first_response_s    bigint,
  next_response_s     bigint[] not null default '{}',
  resolution_s        bigint,
  sla_first_applies   boolean not null default false,
  sla_first_met       boolean not null default false,
  sla_resolution_applies boolean not null default false,
  sla_resolution_met  boolean not null default false,
  moved_to_private    boolean not null default false,
  negative_terms      text[] not null default '{}',
  computed_at         timestamptz not null default now(),
  primary key (brand_id, conversation_id)
);
create index if not exists analytics_facts_opened_idx on analytics_conversation_facts (brand_id, opened_hour);

-- Hourly buckets per brand × dimension (all, channel, channel_kind, team, agent, topic, sentiment,
-- visibility, tag) × key. Opening-hour metrics (volume, sentiment, response times, SLA, moved to
-- private) count at the hour the conversation opened; resolution metrics at the hour it was resolved.
-- *_hist are counts per duration bucket (ANALYTICS_BUCKETS_S in packages/domain) so p50/p90 of any
-- range is the sum of its hours' histograms.
create table if not exists analytics_hourly (
  brand_id              uuid not null references brands(id) on delete cascade,
  dim                   text not null,
  key                   text not null,
  hour                  timestamptz not null,
  conversations         integer not null default 0,
  inbound               integer not null default 0,
  replies               integer not null default 0,
  negative              integer not null default 0,
  neutral               integer not null default 0,
  positive              integer not null default 0,
  public                integer not null default 0,
  moved_to_private      integer not null default 0,
  first_response_n      integer not null default 0,
  first_response_sum    bigint not null default 0,
  first_response_hist   integer[] not null default '{}',
  next_response_n       integer not null default 0,
  next_response_sum     bigint not null default 0,
  next_response_hist    integer[] not null default '{}',
  resolved              integer not null default 0,
  resolution_sum        bigint not null default 0,
  resolution_hist       integer[] not null default '{}',
  sla_first_n           integer not null default 0,
  sla_first_met         integer not null default 0,
  sla_resolution_n      integer not null default 0,
  sla_resolution_met    integer not null default 0,
  primary key (brand_id, dim, key, hour)
);

-- Words of negative inbound messages: how many conversations opened in the hour used each.
create table if not exists analytics_terms (
  brand_id       uuid not null references brands(id) on delete cascade,
  hour           timestamptz not null,
  term           text not null,
  conversations  integer not null default 0,
  primary key (brand_id, hour, term)
);

-- Element-wise sum of two histograms of possibly different lengths (a missing element is 0).
create or replace function analytics_hist_add(a integer[], b integer[]) returns integer[]
  language sql immutable parallel safe as $$
  select coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) order by n), '{}'::integer[])
  from unnest(a, b) with ordinality as t(x, y, n)
$$;

-- The export streams a brand's conversations opened in a range in (created_at, id) order, a page at a time.
create index if not exists conversations_created_idx on conversations (brand_id, created_at, id);
