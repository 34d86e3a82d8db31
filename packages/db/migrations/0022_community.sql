-- Community Q&A (issue 16): a brand's public questions and answers at /community/<brand>, its members
-- signed in by emailed one-time links, moderation, and the `community` channel that carries an
-- unanswered question into the desk's queue (and an agent's reply back as a staff answer).

alter table channels drop constraint channels_kind_check;
alter table channels add constraint channels_kind_check
  check (kind in ('api', 'x', 'facebook', 'instagram', 'email', 'webchat', 'webform', 'phone', 'feed', 'import', 'community'));

-- One community channel per brand: its settings are the community's (escalation hours, topics, limits).
create unique index channels_one_community_idx on channels (brand_id) where kind = 'community';

create table community_members (
  id            uuid primary key default gen_random_uuid(),
  brand_id      uuid not null references brands(id) on delete cascade,
  email         text not null check (email = lower(email) and length(email) <= 320),
  display_name  text not null check (length(display_name) between 1 and 60),
  -- The same person as a contact who wrote on X or email (linked by an agent): one customer record.
  contact_id    uuid references contacts(id) on delete set null,
  -- Set when a moderator approved their first post: from then on their posts go straight up.
  trusted_at    timestamptz,
  banned_at     timestamptz,
  created_at    timestamptz not null default now(),
  unique (brand_id, email)
);

-- Emailed sign-in links: only the sha256 of the token is kept; single use, short-lived.
create table community_login_tokens (
  token_hash    text primary key,
  brand_id      uuid not null references brands(id) on delete cascade,
  email         text not null,
  display_name  text,
  expires_at    timestamptz not null,
  used_at       timestamptz,
  created_at    timestamptz not null default now()
);
create index community_login_tokens_email_idx on community_login_tokens (brand_id, email, created_at);

create table community_sessions (
  id            text primary key,            -- sha256 of the cookie's token
  brand_id      uuid not null references brands(id) on delete cascade,
  member_id     uuid not null references community_members(id) on delete cascade,
  csrf_token    text not null,
  expires_at    timestamptz not null,
  created_at    timestamptz not null default now()
);
create index community_sessions_member_idx on community_sessions (member_id);

create function community_question_search(title text, tags text[], body text) returns tsvector
  language sql immutable parallel safe
  return setweight(to_tsvector('english', title), 'A')
      || setweight(to_tsvector('english', array_to_string(tags, ' ')), 'B')
      || setweight(to_tsvector('english', body), 'C');

create table community_questions (
  id                 uuid primary key default gen_random_uuid(),
  brand_id           uuid not null references brands(id) on delete cascade,
  member_id          uuid not null references community_members(id) on delete cascade,
  topic              text not null default 'general' check (topic ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(topic) <= 40),
  title              text not null check (length(title) between 1 and 200),
  body               text not null check (length(body) <= 20000),
  tags               text[] not null default '{}',
  -- visible; held for a moderator (first post, spam); hidden by a moderator.
  status             text not null default 'visible' check (status in ('visible', 'held', 'hidden')),
  held_reason        text,
  locked_at          timestamptz,
  duplicate_of       uuid references community_questions(id) on delete set null,
  accepted_answer_id uuid,
  -- First accepted or staff answer: an answered question is not escalated.
  answered_at        timestamptz,
  escalated_at       timestamptz,
  conversation_id    uuid references conversations(id) on delete set null,
  kb_article_id      uuid references kb_articles(id) on delete set null,
  score              integer not null default 0,
  answer_count       integer not null default 0,
  created_at         timestamptz not null default now(),
  last_activity_at   timestamptz not null default now(),
  search             tsvector not null generated always as (community_question_search(title, tags, body)) stored
);
create index community_questions_recent_idx on community_questions (brand_id, last_activity_at desc, id desc) where status = 'visible';
create index community_questions_search_idx on community_questions using gin (search);
create index community_questions_held_idx on community_questions (brand_id, created_at) where status = 'held';
-- The escalation sweep reads only questions still waiting for an answer.
create index community_questions_waiting_idx on community_questions (created_at)
  where status = 'visible' and answered_at is null and escalated_at is null;

create table community_answers (
  id                 uuid primary key default gen_random_uuid(),
  brand_id           uuid not null references brands(id) on delete cascade,
  question_id        uuid not null references community_questions(id) on delete cascade,
  member_id          uuid references community_members(id) on delete cascade,
  -- A staff answer: written by a desk user (from the desk's reply to the escalated conversation, or the moderation page).
  author_user_id     uuid references users(id) on delete set null,
  is_staff           boolean not null default false,
  body               text not null check (length(body) between 1 and 20000),
  status             text not null default 'visible' check (status in ('visible', 'held', 'hidden')),
  held_reason        text,
  score              integer not null default 0,
  -- The desk reply it came from: a redelivery inserts nothing twice.
  source_message_id  uuid unique,
  created_at         timestamptz not null default now(),
  check (member_id is not null or is_staff)
);
create index community_answers_question_idx on community_answers (question_id, created_at);
create index community_answers_held_idx on community_answers (brand_id, created_at) where status = 'held';

create table community_comments (
  id           uuid primary key default gen_random_uuid(),
  brand_id     uuid not null references brands(id) on delete cascade,
  question_id  uuid not null references community_questions(id) on delete cascade,
  answer_id    uuid references community_answers(id) on delete cascade,
  member_id    uuid not null references community_members(id) on delete cascade,
  body         text not null check (length(body) between 1 and 2000),
  status       text not null default 'visible' check (status in ('visible', 'held', 'hidden')),
  held_reason  text,
  created_at   timestamptz not null default now()
);
create index community_comments_question_idx on community_comments (question_id, created_at);
create index community_comments_held_idx on community_comments (brand_id, created_at) where status = 'held';

-- One vote per member and post.
create table community_votes (
  brand_id     uuid not null references brands(id) on delete cascade,
  member_id    uuid not null references community_members(id) on delete cascade,
  target_type  text not null check (target_type in ('question', 'answer')),
  target_id    uuid not null,
  value        smallint not null check (value in (-1, 1)),
  created_at   timestamptz not null default now(),
  primary key (member_id, target_type, target_id)
);

create table community_reports (
  id           uuid primary key default gen_random_uuid(),
  brand_id     uuid not null references brands(id) on delete cascade,
  member_id    uuid not null references community_members(id) on delete cascade,
  target_type  text not null check (target_type in ('question', 'answer', 'comment')),
  target_id    uuid not null,
  reason       text not null check (length(reason) between 1 and 500),
  created_at   timestamptz not null default now(),
  resolved_at  timestamptz,
  resolved_by  uuid references users(id) on delete set null,
  unique (member_id, target_type, target_id)
);
create index community_reports_open_idx on community_reports (brand_id, created_at) where resolved_at is null;

-- Posts per member and per address in a sliding window (the rate limits), without scanning history.
create table community_post_log (
  brand_id    uuid not null references brands(id) on delete cascade,
  member_id   uuid not null,
  ip          text not null,
  created_at  timestamptz not null default now()
);
create index community_post_log_member_idx on community_post_log (member_id, created_at);
create index community_post_log_ip_idx on community_post_log (brand_id, ip, created_at);
