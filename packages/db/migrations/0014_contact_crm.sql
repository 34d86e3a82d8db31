-- The brand's CRM look-up hook fills a contact's CRM fields. They are kept apart from the
-- contact's own attributes so a refresh replaces only what the CRM said last time.
-- crm_checked_at is the last attempt (drives the cache TTL); crm_fetched_at the last success.
alter table contacts add column if not exists crm_attributes jsonb not null default '{}'::jsonb;
alter table contacts add column if not exists crm_fetched_at timestamptz;
alter table contacts add column if not exists crm_checked_at timestamptz;
alter table contacts add column if not exists crm_error text;
