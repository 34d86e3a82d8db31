-- Inbox at scale, part two (bench/inbox.bench.ts, 1 million conversations; numbers in
-- docs/benchmarks.md). Expressions match conversation.query.ts exactly: a different spelling would
-- not use them. Built inside the migration's transaction (no CONCURRENTLY): on a large existing
-- table this holds writes to conversations for the seconds each index takes.

-- sort=sla_due: the next SLA deadline (earliest running due time; none sorts last) over the working set.
create index if not exists conversations_working_sla_due_idx
  on conversations (brand_id, (coalesce(least(sla_first_response_due_at, sla_next_response_due_at, sla_resolution_due_at), 'infinity'::timestamptz)), id)
  where status in ('open', 'pending');

-- view=mine with sort=sla_due: an agent's own queue, most urgent deadline first.
create index if not exists conversations_working_assignee_sla_due_idx
  on conversations (brand_id, assignee_id, (coalesce(least(sla_first_response_due_at, sla_next_response_due_at, sla_resolution_due_at), 'infinity'::timestamptz)), id)
  where status in ('open', 'pending');

-- Every status, newest first: search looks at all statuses unless told otherwise, so a common word
-- is answered by walking this index and checking each conversation's messages until a page is full.
create index if not exists conversations_recent_idx
  on conversations (brand_id, last_activity_at desc, id desc);

-- tag filter (`tags @> array[tag]`): a rare tag is read from here instead of walking the queue.
create index if not exists conversations_tags_idx
  on conversations using gin (tags);

-- Filters whose value can be rare in the working set (a channel, a language, a topic, urgent):
-- PostgreSQL reads the few matches and sorts them when its statistics say they are few, and walks
-- the sort's index otherwise.
create index if not exists conversations_working_channel_idx
  on conversations (brand_id, channel_id)
  where status in ('open', 'pending');

create index if not exists conversations_working_priority_value_idx
  on conversations (brand_id, priority)
  where status in ('open', 'pending');

create index if not exists conversations_working_language_idx
  on conversations (brand_id, (triage -> 'language' ->> 'value'))
  where status in ('open', 'pending');

create index if not exists conversations_working_topic_idx
  on conversations (brand_id, (triage -> 'topic' ->> 'value'))
  where status in ('open', 'pending');
