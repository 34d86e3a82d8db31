-- The queue of conversations waiting for an agent: open, unassigned, and routed by rules that asked
-- for an assignment (routing.assignment is an object, not JSON null). When capacity frees, routing
-- (packages/core/src/routing/assign-waiting.ts) reads each pool's head in this index's order, most
-- urgent then longest waiting, as LIMIT rows. The pool is the team, or the brand's pool for a
-- conversation without one (the zero uuid: `team_id is null` would not give the order from the index).
-- Expressions and predicate match routing.repository.ts lockWaitingConversations exactly.
create index if not exists conversations_queue_waiting_idx
  on conversations (
    brand_id,
    (coalesce(team_id, '00000000-0000-0000-0000-000000000000'::uuid)),
    (case priority when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end) desc,
    (coalesce(waiting_since, created_at)),
    id
  )
  where status = 'open' and assignee_id is null and (routing -> 'assignment') <> 'null'::jsonb;
