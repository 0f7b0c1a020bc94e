-- The backup role (DESIGN §13), idempotent; run by `ops init` as a superuser (Postgres 15 lets
-- only superusers create or alter REPLICATION roles). psql variables: role, pw.
-- What it may do, and why:
--   LOGIN REPLICATION   pg_receivewal and pg_basebackup (pg_hba admits it for replication)
--   pg_read_all_data    pg_dump reads every table and sequence
--   BYPASSRLS           pg_dump refuses to dump a table whose rows RLS would hide
--   ops.runs            it records its own runs (insert, update); nothing else is writable
--   pg_switch_wal()     `ops backup --reason pre-deploy` closes the current WAL segment, so the
--                       streamed WAL holds everything up to the deploy (execute on that one
--                       function only; Postgres 15 revokes it from public)
--   pg_create_restore_point()  `ops backup --kind restore-point|auto`: a named point in the WAL
--                       that a PITR recovers to (recovery_target_name), instead of a dump
select set_config('botmox.backup_role', :'role', false),
       set_config('botmox.backup_pw', :'pw', false);
do $$
declare
  r text := current_setting('botmox.backup_role');
  pw text := current_setting('botmox.backup_pw');
begin
  if not exists (select from pg_roles where rolname = r) then
    execute format('create role %I', r);
  end if;
  execute format(
    'alter role %I login replication bypassrls inherit nosuperuser nocreatedb nocreaterole password %L',
    r, pw);
  execute format('grant pg_read_all_data to %I', r);
  execute format('grant execute on function pg_catalog.pg_switch_wal() to %I', r);
  execute format('grant execute on function pg_catalog.pg_create_restore_point(text) to %I', r);
  if to_regclass('ops.runs') is not null then
    execute format('grant usage on schema ops to %I', r);
    execute format('grant select, insert, update on ops.runs to %I', r);
  end if;
end $$;
select set_config('botmox.backup_pw', '', false);
