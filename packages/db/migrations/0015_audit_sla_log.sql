-- The SLA clock of a conversation is computed from its messages and the audit rows that change
-- what the clock sees (status and priority changes). Without an index those rows were found by
-- scanning every audit row of the brand: 0.8 ms per message at 2.8k audit rows, 17-20 ms at 103k.
-- This partial index holds only those actions, keyed by conversation, so the read is bound by the
-- conversation's own history, not the brand's. The action list must equal LOG_ACTIONS in
-- packages/core/src/sla/sla.events.ts (the query repeats it literally so the planner can use it).
create index if not exists audit_events_sla_log_idx on audit_events (brand_id, subject_id, created_at)
  where subject_type = 'conversation'
    and action in ('conversation.resolved', 'conversation.opened', 'conversation.pending', 'conversation.snoozed', 'conversation.reopened', 'conversation.priority_changed');
