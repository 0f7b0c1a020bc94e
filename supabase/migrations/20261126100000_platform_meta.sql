-- Platform metadata: what the backend reports as its deploy history and readiness marker.
create table if not exists public.platform_releases (
  id bigint generated always as identity primary key,
  image_tag text not null,
  git_sha text not null,
  released_at timestamptz not null default now()
);

alter table public.platform_releases enable row level security;
revoke all on public.platform_releases from anon, authenticated;
grant select, insert, update, delete on public.platform_releases to service_role;
