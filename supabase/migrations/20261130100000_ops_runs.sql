-- Backups that prove themselves (issue 12): every backup, WAL, object copy and restore drill
-- records its run here, ok or not, so that health can say how old the last good one is.
--
-- * Schema ops is not exposed: no grants to anon/authenticated/service_role, and PostgREST
--   serves only public, storage and graphql_public.
-- * The backup role (LOGIN REPLICATION, password from env) is not created here: on Postgres 15
--   only a superuser may create or alter a REPLICATION role, and migrations run as postgres.
--   The `backup-init` one-shot (ops image, `ops init`) creates it and grants it INSERT/UPDATE
--   on ops.runs.
-- * A run is inserted when it starts (ok null) and updated when it ends: a row with ok null
--   and no finished_at is a run that died.

create schema if not exists ops;

create table ops.runs (
  id bigint generated always as identity primary key,
  kind text not null
    check (kind in ('base', 'dump', 'wal', 'objects', 'restore_drill', 'pitr_drill')),
  reason text not null default 'manual' check (length(reason) between 1 and 100),
  started_at timestamptz(3) not null default now(),
  finished_at timestamptz(3),
  bytes bigint check (bytes is null or bytes >= 0),
  ok boolean,
  error text check (length(error) <= 2000),
  details jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
  check (finished_at is null or finished_at >= started_at),
  check ((ok is null) = (finished_at is null)),
  check (ok is not false or error is not null)
);
comment on table ops.runs is 'One row per backup, WAL, object copy or restore drill run';
revoke all on ops.runs from public, anon, authenticated, service_role;
create index runs_kind_started_idx on ops.runs (kind, started_at desc);
