-- Signed outbound webhooks (ADR 0018). A subscription names the events a brand's endpoint wants;
-- its secret is sealed like channel credentials. Events come from the audit trail: last_seq is the
-- brand's audit seq the subscription has been fanned out to, so each audit row becomes at most one
-- delivery per subscription (unique (subscription_id, event_id)).
create table if not exists webhook_subscriptions (
  id                    uuid primary key default gen_random_uuid(),
  brand_id              uuid not null references brands(id) on delete cascade,
  url                   text not null,
  description           text not null default '',
  events                text[] not null,
  secret_enc            text not null,
  enabled               boolean not null default true,
  last_seq              bigint not null default 0,
  consecutive_failures  integer not null default 0,
  disabled_reason       text,
  disabled_at           timestamptz,
  created_at            timestamptz not null default now(),
  updated_at            timestamptz not null default now()
);
create index if not exists webhook_subscriptions_brand_idx on webhook_subscriptions (brand_id, created_at);
create index if not exists webhook_subscriptions_enabled_idx on webhook_subscriptions (brand_id) where enabled;

-- One row per subscription × event; the payload is fixed when the event is fanned out, so a retry
-- or a manual redelivery sends the same bytes (only the signature's timestamp changes).
create table if not exists webhook_deliveries (
  id               uuid primary key default gen_random_uuid(),
  brand_id         uuid not null references brands(id) on delete cascade,
  subscription_id  uuid not null references webhook_subscriptions(id) on delete cascade,
  event_id         bigint not null,
  event_type       text not null,
  payload          jsonb not null,
  state            text not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
  attempts         integer not null default 0,
  last_status      integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  -- also serves the log's order: newest event first
  unique (subscription_id, event_id)
);

-- The delivery log: one row per attempt (HTTP status, time taken, error).
create table if not exists webhook_attempts (
  id            bigserial primary key,
  brand_id      uuid not null references brands(id) on delete cascade,
  delivery_id   uuid not null references webhook_deliveries(id) on delete cascade,
  attempt       integer not null,
  manual        boolean not null default false,
  status_code   integer,
  duration_ms   integer not null,
  error         text,
  response_excerpt text,
  created_at    timestamptz not null default now()
);
create index if not exists webhook_attempts_delivery_idx on webhook_attempts (delivery_id, id);
