-- Canned responses: a brand's saved replies with {{variables}} the desk fills in.
create table canned_responses (
  id          uuid primary key default gen_random_uuid(),
  brand_id    uuid not null references brands(id) on delete cascade,
  title       text not null,
  shortcut    text,
  text        text not null,
  created_by  uuid references users(id) on delete set null,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  unique (brand_id, title)
);
create index canned_responses_brand_idx on canned_responses (brand_id, title);

-- The repeated-reply warning counts a brand's recent public replies by their text.
create index messages_outbound_public_idx on messages (brand_id, sent_at) where direction = 'outbound' and visibility = 'public' and kind = 'message';
