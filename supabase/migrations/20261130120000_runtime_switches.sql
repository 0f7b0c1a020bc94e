-- Runtime switches for the cutover (issue 15, phase 5): one row that every backend replica reads
-- at start and polls while it runs, so that a write freeze and the data backend change for all
-- replicas at once, without a redeploy, and survive a restart.
--
-- * write_freeze: writes answer 503 problem+json with Retry-After (WRITE_FREEZE=true in the
--   environment freezes too; either is enough).
-- * data_backend: NULL until a cutover sets it; then it wins over DATA_BACKEND.
-- * Schema ops, not exposed by PostgREST (see 20261130100000_ops_runs.sql).

create schema if not exists ops;

create table ops.runtime_switches (
  id boolean primary key default true check (id),
  write_freeze boolean not null default false,
  -- When the freeze began (the cutover reports its duration from it).
  frozen_at timestamptz(3),
  data_backend text check (data_backend in ('supabase', 'rtdb')),
  updated_at timestamptz(3) not null default now(),
  check (write_freeze = (frozen_at is not null))
);
comment on table ops.runtime_switches is
  'The one row of runtime switches every replica polls: write freeze and data backend (cutover)';

insert into ops.runtime_switches default values;
