-- Live events (issue 3): triggers NOTIFY channel 'botmox_events' with a small JSON payload (well
-- under NOTIFY's 8000-byte limit); every backend replica LISTENs and forwards to its WebSocket
-- clients, so during a rolling deploy both replicas deliver every event. NOTIFY is sent at
-- commit, so a rolled-back change never produces an event.

create or replace function public.notify_bot_changed() returns trigger
language plpgsql set search_path = '' as $$
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status
     and new.name is not distinct from old.name and new.project is not distinct from old.project then
    return null;
  end if;
  perform pg_notify('botmox_events', json_build_object(
    'type', 'bot.changed',
    'op', lower(tg_op),
    'id', coalesce(new.id, old.id),
    'status', case when tg_op = 'DELETE' then null else new.status end,
    'previous_status', case when tg_op = 'INSERT' then null else old.status end,
    'at', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )::text);
  return null;
end $$;

create trigger bots_notify after insert or update or delete on public.bots
  for each row execute function public.notify_bot_changed();

create or replace function public.notify_finance_operation_created() returns trigger
language plpgsql set search_path = '' as $$
begin
  perform pg_notify('botmox_events', json_build_object(
    'type', 'finance.operation_created',
    'id', new.id,
    'operation_type', new.type,
    'amount', new.amount::text,
    'currency', new.currency,
    'bot_id', new.bot_id,
    'at', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  )::text);
  return null;
end $$;

create trigger finance_operations_notify after insert on public.finance_operations
  for each row execute function public.notify_finance_operation_created();

create or replace function public.notify_artifact_uploaded() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status = 'uploaded' and (tg_op = 'INSERT' or old.status is distinct from 'uploaded') then
    perform pg_notify('botmox_events', json_build_object(
      'type', 'artifact.uploaded',
      'id', new.id,
      'object_key', new.object_key,
      'at', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    )::text);
  end if;
  return null;
end $$;

create trigger artifacts_notify after insert or update of status on public.artifacts
  for each row execute function public.notify_artifact_uploaded();

revoke execute on function public.notify_bot_changed() from public, anon, authenticated;
revoke execute on function public.notify_finance_operation_created() from public, anon, authenticated;
revoke execute on function public.notify_artifact_uploaded() from public, anon, authenticated;
