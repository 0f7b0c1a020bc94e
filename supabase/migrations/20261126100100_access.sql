-- Access rules (issue 3). Supabase's default privileges grant ALL on new public tables to anon,
-- authenticated and service_role; PostgREST exposes public to whoever holds a token. So every
-- table here: RLS on, every default grant revoked, then explicit grants and policies:
-- * anon: nothing (no grant, no policy).
-- * authenticated: what the API allows a signed-in operator: read and write the domain data,
--   read settings and artifact metadata. Writes to settings and artifacts go through the
--   backend (service_role / the postgres role).
-- * service_role: everything (it has BYPASSRLS in Supabase; the policies say so explicitly too).

do $$
declare t text;
begin
  foreach t in array array['bots', 'licenses', 'license_bots', 'proxies', 'subscriptions', 'notes',
                           'tasks', 'calendar_events', 'finance_operations', 'settings', 'artifacts'] loop
    execute format('alter table public.%I enable row level security', t);
    execute format('revoke all on public.%I from anon, authenticated, service_role', t);
    execute format('grant select, insert, update, delete on public.%I to service_role', t);
    execute format(
      'create policy %I on public.%I as permissive for all to service_role using (true) with check (true)',
      t || '_service_role_all', t);
  end loop;

  -- Domain data the operator edits.
  foreach t in array array['bots', 'licenses', 'license_bots', 'proxies', 'subscriptions', 'notes',
                           'tasks', 'calendar_events', 'finance_operations'] loop
    execute format('grant select, insert, update, delete on public.%I to authenticated', t);
    execute format(
      'create policy %I on public.%I as permissive for all to authenticated '
      || 'using ((select auth.role()) = ''authenticated'') '
      || 'with check ((select auth.role()) = ''authenticated'')',
      t || '_authenticated_rw', t);
  end loop;

  -- Read-only for signed-in users.
  foreach t in array array['settings', 'artifacts'] loop
    execute format('grant select on public.%I to authenticated', t);
    execute format(
      'create policy %I on public.%I as permissive for select to authenticated '
      || 'using ((select auth.role()) = ''authenticated'')',
      t || '_authenticated_read', t);
  end loop;
end $$;

-- The trigger helper is not an API: keep it away from PostgREST's rpc.
revoke execute on function public.touch_updated_at() from public, anon, authenticated;
