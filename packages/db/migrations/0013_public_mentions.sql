-- The desk's "Mentions needing response" view: open conversations whose customer's latest message
-- was public (a post or a comment, not a DM, an email or a chat) and that triage says need a
-- response, with nobody having answered since. conversations.is_public is the first message's
-- visibility only; a DM can join a conversation that began as a public post and the other way
-- round, so the latest inbound message's visibility is kept beside its triage labels.
alter table conversations add column if not exists last_inbound_public boolean not null default false;

-- Existing conversations: only those still waiting for an answer can be in the view without a new
-- customer message (which sets the flag itself), so only they are looked at, each through its own
-- latest inbound message. (Rewriting every public conversation held writes for minutes at 1.1 M.)
update conversations c set last_inbound_public = true
  where c.waiting_since is not null and c.status <> 'resolved'
    and (select m.visibility from messages m
         where m.conversation_id = c.id and m.direction = 'inbound' and m.kind = 'message'
         order by m.created_at desc, m.id desc limit 1) = 'public';

-- The view in the default order (sort=recent). The predicate matches conversation.query.ts exactly;
-- other sorts walk their working-set index and keep the matching rows. Built inside the
-- migration's transaction: on a large table this holds writes to conversations while it builds.
create index if not exists conversations_mentions_recent_idx
  on conversations (brand_id, last_activity_at desc, id desc)
  where status = 'open' and needs_response and last_inbound_public and waiting_since is not null;
