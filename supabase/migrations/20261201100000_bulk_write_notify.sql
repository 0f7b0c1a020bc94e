-- Bulk writes notify once per statement, not once per row (issue 15). A writer that inserts
-- thousands of finance operations in one transaction (migrate:rtdb: 12,000 in the fixture) says so
-- with `set local bot_mox.bulk = 'on'`; the per-row finance.operation_created notify then stays
-- silent and one statement-level trigger sends a single finance.operation_created per INSERT
-- statement instead (its newest operation), in the same payload shape. Every listener of that
-- event refetches the finance data it shows (none adds the amounts up), so one event per batch
-- tells them everything they need. Writers that do not set it (the API, SQL, PostgREST, the
-- previous release) keep one event per row: this migration only adds.
--
-- bots_notify stays per row: bot.changed carries one bot's status, which clients patch in place.
-- The finance rollup needs nothing here: it is statement-level already (finance_rollup.sql).

-- The event's payload, built in one place for both triggers.
create or replace function public.finance_operation_created_event(op public.finance_operations)
returns text language sql set search_path = '' as $$
  select json_build_object(
    'type', 'finance.operation_created',
    'id', op.id,
    'operation_type', op.type,
    'amount', op.amount::text,
    'currency', op.currency,
    'bot_id', op.bot_id,
    'at', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )::text
$$;

create or replace function public.notify_finance_operation_created() returns trigger
language plpgsql set search_path = '' as $$
begin
  perform pg_notify('botmox_events', public.finance_operation_created_event(new));
  return null;
end $$;

drop trigger finance_operations_notify on public.finance_operations;
create trigger finance_operations_notify after insert on public.finance_operations
  for each row when (coalesce(current_setting('bot_mox.bulk', true), '') <> 'on')
  execute function public.notify_finance_operation_created();

create or replace function public.notify_finance_operations_bulk() returns trigger
language plpgsql set search_path = '' as $$
declare
  newest public.finance_operations;
begin
  select * into newest from new_rows order by occurred_at desc, id desc limit 1;
  if found then
    perform pg_notify('botmox_events', public.finance_operation_created_event(newest));
  end if;
  return null;
end $$;

revoke execute on function public.finance_operation_created_event(public.finance_operations)
  from public, anon, authenticated;
revoke execute on function public.notify_finance_operation_created() from public, anon, authenticated;
revoke execute on function public.notify_finance_operations_bulk() from public, anon, authenticated;

create trigger finance_operations_notify_bulk after insert on public.finance_operations
  referencing new table as new_rows for each statement
  when (current_setting('bot_mox.bulk', true) = 'on')
  execute function public.notify_finance_operations_bulk();
