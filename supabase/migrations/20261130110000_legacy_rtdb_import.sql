-- Legacy RTDB import (issue 15): what `cli migrate:rtdb` needs beside the domain tables.
--
-- * Imported rows are told apart by legacy_id, the record's RTDB key: every imported table has had
--   it since the domain schema (nullable, UNIQUE; the upsert key). Settings get one here (the
--   section name). Rows with legacy_id NULL were not imported and the import never touches them.
-- * Dangling references (stated on the columns below): a botId naming no bot keeps the record,
--   with bot_id NULL and the raw key in legacy_bot_id; botIds keys naming no bot go to
--   licenses.legacy_orphan_bot_ids. Neither is a reject: nothing is lost and nothing is invented.
-- * legacy.migration_runs / legacy.migration_rejects: the committed runs and the values the last
--   run could not import (path, field, raw value, reason). A schema of its own, not exposed by
--   PostgREST, dropped with the RTDB code path (phase 6).
-- * touch_updated_at leaves updated_at alone while the import writes (it sets the legacy value).

alter table public.settings add column legacy_id text unique;

comment on column public.bots.legacy_id is 'RTDB key (bots/<key>) of an imported row; NULL for rows created here';
comment on column public.licenses.legacy_id is 'RTDB key (resources/licenses/<key>) of an imported row';
comment on column public.proxies.legacy_id is 'RTDB key (resources/proxies/<key>) of an imported row';
comment on column public.subscriptions.legacy_id is 'RTDB key (resources/subscriptions/<key>) of an imported row';
comment on column public.notes.legacy_id is 'RTDB key (workspace/notes/<key>) of an imported row';
comment on column public.tasks.legacy_id is 'RTDB key (workspace/tasks/<key>) of an imported row';
comment on column public.calendar_events.legacy_id is 'RTDB key (workspace/calendar/<key>) of an imported row';
comment on column public.finance_operations.legacy_id is 'RTDB key (finance/operations/<key>) of an imported row';
comment on column public.settings.legacy_id is 'RTDB section name (settings/<section>) of an imported row';

do $$
declare t text;
begin
  foreach t in array array['proxies', 'subscriptions', 'tasks', 'finance_operations'] loop
    execute format(
      'comment on column public.%I.legacy_bot_id is %L', t,
      'The RTDB botId as exported. Dangling-reference rule: bot_id is the bot whose legacy_id '
      || 'equals it, or NULL when no such bot exists; the record is kept either way.');
  end loop;
end $$;
comment on column public.licenses.legacy_orphan_bot_ids is
  'RTDB botIds keys naming no bot (dangling references), in export order; the resolvable ones are rows of license_bots.';

-- ---- the import's own bookkeeping ------------------------------------------------------------
create schema legacy;
comment on schema legacy is 'Bookkeeping of the RTDB import (migrate:rtdb); removed with the RTDB code path';

create table legacy.migration_runs (
  id uuid primary key default gen_random_uuid(),
  -- 'file:<name>' for an export file, 'rtdb:<url>' for a live database.
  source text not null check (length(source) between 1 and 500),
  started_at timestamptz(3) not null,
  finished_at timestamptz(3) not null default now(),
  -- What the run printed as its result line (per domain: read, inserted, updated, ...).
  summary jsonb not null check (jsonb_typeof(summary) = 'object')
);
comment on table legacy.migration_runs is 'One row per committed migrate:rtdb run (a dry run commits nothing)';

create table legacy.migration_rejects (
  -- RTDB path of the record, e.g. finance/operations/-NKpW...; field '' is the record itself,
  -- nested fields are dotted (character.level).
  path text not null,
  field text not null,
  kind text not null
    check (kind in ('unparseable', 'missing', 'unknown_field', 'not_an_object', 'duplicate_key', 'conflict')),
  -- record_skipped: the record was not imported (the value belongs in a NOT NULL column);
  -- field_null: imported with this nullable column NULL; field_dropped: a field with no column.
  outcome text not null check (outcome in ('record_skipped', 'field_null', 'field_dropped')),
  raw_value jsonb,
  reason text not null,
  source text not null,
  run_id uuid not null references legacy.migration_runs (id) on delete cascade,
  first_seen_at timestamptz(3) not null default now(),
  last_seen_at timestamptz(3) not null default now(),
  primary key (path, field)
);
comment on table legacy.migration_rejects is
  'Values the last migrate:rtdb run could not import; each run replaces the set (a fixed value disappears, first_seen_at survives)';
create index migration_rejects_run_idx on legacy.migration_rejects (run_id);

-- Same access rules as the domain tables: nothing for anon and authenticated, everything for
-- service_role; the import itself runs as the owner (postgres).
revoke all on schema legacy from public, anon, authenticated;
grant usage on schema legacy to service_role;
do $$
declare t text;
begin
  foreach t in array array['migration_runs', 'migration_rejects'] loop
    execute format('alter table legacy.%I enable row level security', t);
    execute format('revoke all on legacy.%I from public, anon, authenticated, service_role', t);
    execute format('grant select, insert, update, delete on legacy.%I to service_role', t);
    execute format(
      'create policy %I on legacy.%I as permissive for all to service_role using (true) with check (true)',
      t || '_service_role_all', t);
  end loop;
end $$;

-- ---- updated_at during the import ------------------------------------------------------------
-- The import sets updated_at itself (the legacy updatedAt, or now() when the record has none and
-- changed), also when the value is the one already stored; `set local bot_mox.import = 'on'`
-- says so for its transaction only.
create or replace function public.touch_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.updated_at is not distinct from old.updated_at
     and coalesce(current_setting('bot_mox.import', true), '') <> 'on' then
    new.updated_at := now();
  end if;
  return new;
end $$;
revoke execute on function public.touch_updated_at() from public, anon, authenticated;
