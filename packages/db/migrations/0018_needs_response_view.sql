-- The desk's "Needs response" view now means "waiting for us and needs a reply": open conversations
-- that triage says need a response and whose customer's latest message nobody has answered yet
-- (waiting_since set), not "never answered" (first_reply_at is null). It holds every conversation
-- of "Mentions needing response" (0013), which adds "the latest message was public".
-- The view in the default order (sort=recent). The predicate matches conversation.query.ts exactly;
-- other sorts walk their working-set index (0006/0007) and keep the matching rows. Built inside the
-- migration's transaction: on a large table this holds writes to conversations while it builds.
create index if not exists conversations_needs_response_recent_idx
  on conversations (brand_id, last_activity_at desc, id desc)
  where status = 'open' and needs_response and waiting_since is not null;
