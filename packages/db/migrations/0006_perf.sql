-- Inbox at scale (bench/inbox.bench.ts, 1 million conversations): the working set is the open and
-- pending conversations; these partial indexes serve the inbox's three sorts for it in index order,
-- so a page is read as LIMIT rows instead of sorting every open conversation of the brand.
-- The expressions match conversation.query.ts exactly (a different spelling would not use them).

-- sort=recent (the default): status in (open, pending), newest activity first.
create index if not exists conversations_working_recent_idx
  on conversations (brand_id, last_activity_at desc, id desc)
  where status in ('open', 'pending');

-- sort=priority: urgent first, then newest.
create index if not exists conversations_working_priority_idx
  on conversations (brand_id, (case priority when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end) desc, last_activity_at desc, id desc)
  where status in ('open', 'pending');

-- sort=waiting: longest-waiting customer first.
create index if not exists conversations_working_waiting_idx
  on conversations (brand_id, (coalesce(waiting_since, 'infinity'::timestamptz)), id)
  where status in ('open', 'pending');

-- view=mine: an agent's own open and pending conversations.
create index if not exists conversations_working_assignee_idx
  on conversations (brand_id, assignee_id, last_activity_at desc, id desc)
  where status in ('open', 'pending');

-- status=resolved (history, most of the table): a single-status list in index order.
create index if not exists conversations_resolved_recent_idx
  on conversations (brand_id, last_activity_at desc, id desc)
  where status = 'resolved';
