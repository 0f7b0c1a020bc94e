-- What supabase/postgres 15 creates at init (DESIGN §10), for the stand-in. Idempotent: it runs
-- once per database, roles are cluster-wide. psql variables: pw (the POSTGRES_PASSWORD), db.

-- Roles ----------------------------------------------------------------------------------------
select set_config('botmox.pw', :'pw', false);
do $$
declare pw text := current_setting('botmox.pw');
begin
  if not exists (select from pg_roles where rolname = 'supabase_admin') then
    execute format('create role supabase_admin login superuser createdb createrole replication bypassrls password %L', pw);
  end if;
  if not exists (select from pg_roles where rolname = 'postgres') then
    execute format('create role postgres login password %L', pw);
  end if;
  if not (select rolsuper from pg_roles where rolname = 'postgres') then
    alter role postgres login createdb createrole replication bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin inherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin inherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin inherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    execute format('create role authenticator login noinherit password %L', pw);
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_auth_admin') then
    execute format('create role supabase_auth_admin login noinherit createrole password %L', pw);
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_storage_admin') then
    execute format('create role supabase_storage_admin login noinherit createrole password %L', pw);
  end if;
  if not exists (select from pg_roles where rolname = 'dashboard_user') then
    create role dashboard_user nologin createdb createrole replication;
  end if;
  if not exists (select from pg_roles where rolname = 'pgbouncer') then
    execute format('create role pgbouncer login password %L', pw);
  end if;
end $$;
select set_config('botmox.pw', '', false);

alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
grant anon, authenticated, service_role to postgres;
grant anon, authenticated, service_role to authenticator;
grant supabase_auth_admin, supabase_storage_admin to postgres;
alter role postgres set search_path = "$user", public, extensions;
alter role supabase_auth_admin set search_path = auth;
alter role supabase_storage_admin set search_path = storage;

-- Database and schemas ---------------------------------------------------------------------------
grant all privileges on database :"db" to postgres;
alter schema public owner to postgres;
grant usage on schema public to postgres, anon, authenticated, service_role;

create schema if not exists extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists pg_stat_statements with schema extensions;

-- Without these, anon gets "permission denied" where Supabase would have applied RLS.
alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;

create schema if not exists graphql_public;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;

-- auth: the schema GoTrue owns; the helpers in the form GoTrue's migrations leave them, reading
-- request.jwt.claim.<x> or else request.jwt.claims (DESIGN §10).
create schema if not exists auth authorization supabase_auth_admin;
grant usage on schema auth to postgres, anon, authenticated, service_role, dashboard_user;

create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255) unique,
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz
);
alter table auth.users owner to supabase_auth_admin;
grant select on auth.users to postgres, dashboard_user, service_role;

create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
create or replace function auth.email() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to postgres, anon, authenticated, service_role, dashboard_user;

-- storage: the schema Storage API owns and migrates at boot.
create schema if not exists storage authorization supabase_storage_admin;
grant usage on schema storage to postgres, anon, authenticated, service_role;
