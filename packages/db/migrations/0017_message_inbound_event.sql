-- The raw provider payload is kept once, in inbound_events.payload (issue 12). A message received
-- through ingest points at the event it came from instead of carrying a copy in messages.raw,
-- which was written for every message and never read. messages.raw stays for rows stored before
-- this migration and for other writers (imports keep their record there only when they have no
-- inbound event). No foreign key: inbound_events is append-only and the check would cost an index
-- probe per message on the hot path; the id is informational (which delivery carried it).
alter table messages add column if not exists inbound_event_id bigint;
