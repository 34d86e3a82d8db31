-- Inbox over every status sorted by SLA due, waiting time or priority (a search with no status
-- filter, or a status filter naming both working and other statuses): 0006/0007 index those sorts
-- over the working set (open, pending) only, so PostgreSQL read and sorted the whole brand
-- (0.8–1.1 s at 1.1 M conversations; docs/benchmarks.md). These are the same sorts over the rest
-- (snoozed, resolved); conversation.query.ts reads a page from each half in its index's order and
-- merges the two. Partial, so writes to open and pending conversations — nearly all of them — do
-- not maintain them. Expressions and predicates match conversation.query.ts exactly. Built inside
-- the migration's transaction: on a large table this holds writes to conversations while it builds.

create index if not exists conversations_history_sla_due_idx
  on conversations (brand_id, (coalesce(least(sla_first_response_due_at, sla_next_response_due_at, sla_resolution_due_at), 'infinity'::timestamptz)), id)
  where status not in ('open', 'pending');

create index if not exists conversations_history_waiting_idx
  on conversations (brand_id, (coalesce(waiting_since, 'infinity'::timestamptz)), id)
  where status not in ('open', 'pending');

create index if not exists conversations_history_priority_idx
  on conversations (brand_id, (case priority when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end) desc, last_activity_at desc, id desc)
  where status not in ('open', 'pending');
