-- Triage learning loop: agents' corrections of a message's labels, and the per-brand models
-- retrained from them (candidates, the promoted one, and retired ones kept for rollback).
create table triage_corrections (
  id               uuid primary key default gen_random_uuid(),
  brand_id         uuid not null references brands(id) on delete cascade,
  message_id       uuid not null references messages(id) on delete cascade,
  conversation_id  uuid not null references conversations(id) on delete cascade,
  label            text not null check (label in ('sentiment', 'topic', 'intent', 'needsResponse')),
  old_value        jsonb,                    -- the label's value before (null: no label yet)
  new_value        jsonb not null,
  agent_id         uuid references users(id) on delete set null,
  created_at       timestamptz not null default now()
);
create index triage_corrections_brand_idx on triage_corrections (brand_id, created_at, id);
create index triage_corrections_message_idx on triage_corrections (message_id);

create table triage_models (
  id               uuid primary key default gen_random_uuid(),
  brand_id         uuid not null references brands(id) on delete cascade,
  version          text not null,
  model            jsonb not null,           -- the earshot-triage-model artefact (packages/triage)
  metrics          jsonb not null,           -- this model's scores on the held-back slice
  baseline_metrics jsonb,                    -- the model it was compared with, same slice, same run
  corrections      integer not null default 0,
  state            text not null check (state in ('candidate', 'promoted', 'retired')),
  promoted_at      timestamptz,
  created_at       timestamptz not null default now(),
  unique (brand_id, version)
);
-- At most one promoted model per brand; classification reads it on every inbound message.
create unique index triage_models_promoted_idx on triage_models (brand_id) where state = 'promoted';
create index triage_models_brand_idx on triage_models (brand_id, created_at desc);
