-- Every change to bots, by any writer (the API, SQL, PostgREST, a future RTDB import), tells the
-- backends to drop their cached bot lists. bot.changed (live_events) covers only the changes the
-- app shows live; this covers tags, vm_name, character and last_seen_at too. Statement-level,
-- and Postgres folds identical notifications within a transaction: one per write at most.
create or replace function public.notify_bots_invalidate() returns trigger
language plpgsql
as $$
begin
  perform pg_notify('botmox_invalidate', 'bots');
  return null;
end;
$$;

revoke all on function public.notify_bots_invalidate() from public, anon, authenticated;

drop trigger if exists bots_invalidate on public.bots;
create trigger bots_invalidate
  after insert or update or delete or truncate on public.bots
  for each statement execute function public.notify_bots_invalidate();
