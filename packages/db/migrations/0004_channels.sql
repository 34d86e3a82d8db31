-- Channels end to end: one delivery record per outbound message (every provider id, resumable split
-- replies, the outcome of the last attempt) and an index for the per-channel send budget.
-- Forward-only: never edit after it lands.

create table message_deliveries (
  message_id          uuid primary key references messages(id) on delete cascade,
  brand_id            uuid not null references brands(id) on delete cascade,
  channel_id          uuid not null references channels(id) on delete cascade,
  -- in_flight: a provider call is under way (a crash leaves it here: the outcome is unknown, so the
  -- message is not sent again automatically); retrying: the last attempt failed transiently.
  state               text not null check (state in ('in_flight', 'retrying', 'sent', 'failed')),
  attempts            integer not null default 0,
  -- Every provider id of what went out (several when a long reply was split), in order.
  provider_message_ids text[] not null default '{}',
  -- Parts that went out before a failure: the retry continues after them instead of reposting.
  delivered_part_ids  text[] not null default '{}',
  last_error          text,
  last_error_code     text,
  started_at          timestamptz,
  sent_at             timestamptz,
  updated_at          timestamptz not null default now()
);
create index message_deliveries_budget_idx on message_deliveries (channel_id, sent_at) where state = 'sent';
