-- Operators run an Earshot installation: they create brands and each brand's first admin
-- (`earshot brand create`, POST /api/v1/brands). A brand role never makes anyone an operator.
alter table users add column operator boolean not null default false;
