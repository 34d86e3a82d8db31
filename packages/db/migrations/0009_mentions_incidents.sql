-- @mentions in internal notes: who was mentioned in which note, and whether they have seen it.
create table note_mentions (
  brand_id         uuid not null references brands(id) on delete cascade,
  message_id       uuid not null references messages(id) on delete cascade,
  conversation_id  uuid not null references conversations(id) on delete cascade,
  user_id          uuid not null references users(id) on delete cascade,
  author_user_id   uuid references users(id) on delete set null,
  created_at       timestamptz not null default now(),
  read_at          timestamptz,
  primary key (message_id, user_id)
);
-- An agent's mentions, newest first (keyset pages), and the unread count in the desk header.
create index note_mentions_user_idx on note_mentions (brand_id, user_id, created_at desc, message_id desc);
create index note_mentions_unread_idx on note_mentions (brand_id, user_id) where read_at is null;

-- Incidents: one outage or known problem that many conversations are about.
create table incidents (
  id           uuid primary key default gen_random_uuid(),
  brand_id     uuid not null references brands(id) on delete cascade,
  title        text not null,
  status       text not null default 'open' check (status in ('open', 'resolved')),
  created_by   uuid references users(id) on delete set null,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  resolved_at  timestamptz,
  unique (brand_id, id)
);
create index incidents_brand_idx on incidents (brand_id, status, created_at desc, id desc);

create table conversation_incidents (
  brand_id         uuid not null references brands(id) on delete cascade,
  conversation_id  uuid not null references conversations(id) on delete cascade,
  incident_id      uuid not null references incidents(id) on delete cascade,
  linked_by        uuid references users(id) on delete set null,
  linked_at        timestamptz not null default now(),
  primary key (conversation_id, incident_id)
);
-- The inbox filtered by incident, and each incident's conversation count.
create index conversation_incidents_incident_idx on conversation_incidents (brand_id, incident_id, conversation_id);
