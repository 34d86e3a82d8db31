-- Knowledge base: a brand's written answers to repeat questions. Agents link published articles in
-- replies (public page /kb/<brand>/<slug>); the desk suggests them for a conversation's latest
-- inbound question by full-text search.

-- The search document: title weighs most, then tags, then the Markdown body. Declared immutable so
-- it can feed a generated column (array_to_string is only marked stable; on text[] it is not).
create function kb_article_search(title text, tags text[], body text) returns tsvector
  language sql immutable parallel safe
  return setweight(to_tsvector('english', title), 'A')
      || setweight(to_tsvector('english', array_to_string(tags, ' ')), 'B')
      || setweight(to_tsvector('english', body), 'C');

create table kb_articles (
  id            uuid primary key default gen_random_uuid(),
  brand_id      uuid not null references brands(id) on delete cascade,
  title         text not null check (length(title) between 1 and 200),
  slug          text not null check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 100),
  body          text not null,
  status        text not null default 'draft' check (status in ('draft', 'published', 'archived')),
  tags          text[] not null default '{}',
  author_id     uuid references users(id) on delete set null,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  -- First publication: from then on the slug is fixed, links already sent to customers keep working.
  published_at  timestamptz,
  search        tsvector not null generated always as (kb_article_search(title, tags, body)) stored,
  unique (brand_id, slug)
);

-- The desk's list, most recently edited first (keyset pages), by status.
create index kb_articles_brand_recent_idx on kb_articles (brand_id, updated_at desc, id desc);
-- Search and suggestions: the brand filter is checked on the few rows the text search returns.
create index kb_articles_search_idx on kb_articles using gin (search);
