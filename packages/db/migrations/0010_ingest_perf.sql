-- Ingest at scale. Acknowledged events not processed yet, per channel: the import command counts
-- them after every worker batch to show progress (a full scan of inbound_events each time made a
-- large import slower the longer it ran), and operators look for them after an outage.
create index if not exists inbound_events_unprocessed_idx on inbound_events (channel_id) where processed_at is null;
