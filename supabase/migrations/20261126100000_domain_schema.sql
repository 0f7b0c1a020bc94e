-- bot-mox domain schema (issue 3): bots, resources, workspace, finance, settings, artifacts.
--
-- Conventions
-- * id uuid primary key. Every table that the RTDB migration fills has legacy_id text UNIQUE:
--   the record's RTDB push id, so that re-running the migration upserts (on conflict
--   (legacy_id)) instead of duplicating. Records created after the cutover have legacy_id null.
-- * Times are timestamptz(3): millisecond precision, which is what RTDB had and what a JS Date
--   carries, so that a timestamp read by the API compares equal when it comes back in a cursor.
-- * Money is numeric(18,2) with an ISO 4217 code beside it; never float.
-- * Statuses are text with CHECK constraints (cheaper to extend than enum types).
-- * Dangling legacy references: RTDB holds botId/botIds that name bots that no longer exist.
--   A single reference (proxies, subscriptions, tasks, operations) becomes bot_id NULL, and the
--   raw push id is kept in legacy_bot_id so that nothing is lost and the migration can report
--   it. A set of references (licenses.botIds) keeps the resolvable ones in license_bots and the
--   unresolvable push ids in licenses.legacy_orphan_bot_ids. Deleting a bot later sets bot_id
--   NULL (ON DELETE SET NULL) and removes its license_bots rows: finance history stays.


-- Keeps updated_at current unless the writer set it explicitly (the migration preserves the
-- legacy updated_at).
create or replace function public.touch_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.updated_at is not distinct from old.updated_at then
    new.updated_at := now();
  end if;
  return new;
end $$;

-- ---- bots ------------------------------------------------------------------------------------
create table public.bots (
  id uuid primary key default gen_random_uuid(),
  legacy_id text unique,
  name text not null check (length(name) between 1 and 100),
  status text not null default 'prepare'
    check (status in ('prepare', 'running', 'idle', 'stopped', 'error', 'banned')),
  project text not null check (project ~ '^[a-z0-9_]{1,40}$'),
  vm_name text,
  character jsonb check (character is null or jsonb_typeof(character) = 'object'),
  tags text[] not null default '{}',
  last_seen_at timestamptz(3),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
comment on table public.bots is 'Game bots; legacy path bots/<push id>';
create index bots_created_idx on public.bots (created_at, id);
create index bots_updated_idx on public.bots (updated_at, id);
create index bots_name_idx on public.bots (name, id);
create index bots_status_created_idx on public.bots (status, created_at, id);
create index bots_project_created_idx on public.bots (project, created_at, id);
create index bots_project_status_created_idx on public.bots (project, status, created_at, id);
create index bots_tags_idx on public.bots using gin (tags);

-- ---- resources -------------------------------------------------------------------------------
create table public.licenses (
  id uuid primary key default gen_random_uuid(),
  legacy_id text unique,
  key text not null unique check (length(key) between 1 and 128),
  -- legacy 'sin' is an old UI's abbreviation of 'single'; the migration maps it.
  type text not null check (type in ('trial', 'single', 'multi')),
  status text not null default 'active' check (status in ('active', 'expired', 'revoked')),
  expires_at timestamptz(3),
  legacy_orphan_bot_ids text[] not null default '{}',
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index licenses_created_idx on public.licenses (created_at, id);
create index licenses_expires_idx on public.licenses (expires_at, id);
create index licenses_status_created_idx on public.licenses (status, created_at, id);
create index licenses_type_created_idx on public.licenses (type, created_at, id);

create table public.license_bots (
  license_id uuid not null references public.licenses (id) on delete cascade,
  bot_id uuid not null references public.bots (id) on delete cascade,
  primary key (license_id, bot_id)
);
create index license_bots_bot_idx on public.license_bots (bot_id, license_id);

create table public.proxies (
  id uuid primary key default gen_random_uuid(),
  legacy_id text unique,
  ip inet not null,
  port integer not null check (port between 1 and 65535),
  login text,
  password text,
  provider text not null check (length(provider) between 1 and 64),
  country text check (country ~ '^[A-Z]{2}$'),
  status text not null default 'active' check (status in ('active', 'expired', 'banned')),
  expires_at timestamptz(3),
  bot_id uuid references public.bots (id) on delete set null,
  legacy_bot_id text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  unique (ip, port)
);
create index proxies_created_idx on public.proxies (created_at, id);
create index proxies_expires_idx on public.proxies (expires_at, id);
create index proxies_status_created_idx on public.proxies (status, created_at, id);
create index proxies_bot_idx on public.proxies (bot_id, created_at, id);
create index proxies_provider_idx on public.proxies (provider, created_at, id);
create index proxies_country_idx on public.proxies (country, created_at, id);

create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  legacy_id text unique,
  name text not null check (length(name) between 1 and 100),
  type text not null check (type in ('service', 'game')),
  price numeric(18, 2) not null check (price > 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  renews_at timestamptz(3),
  bot_id uuid references public.bots (id) on delete set null,
  legacy_bot_id text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index subscriptions_created_idx on public.subscriptions (created_at, id);
create index subscriptions_renews_idx on public.subscriptions (renews_at, id);
create index subscriptions_type_idx on public.subscriptions (type, created_at, id);
create index subscriptions_currency_idx on public.subscriptions (currency, created_at, id);
create index subscriptions_bot_idx on public.subscriptions (bot_id, created_at, id);

-- ---- workspace -------------------------------------------------------------------------------
create table public.notes (
  id uuid primary key default gen_random_uuid(),
  legacy_id text unique,
  title text not null check (length(title) between 1 and 200),
  content text not null default '',
  pinned boolean not null default false,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index notes_created_idx on public.notes (created_at, id);
create index notes_updated_idx on public.notes (updated_at, id);
create index notes_pinned_idx on public.notes (pinned, updated_at, id);

create table public.tasks (
  id uuid primary key default gen_random_uuid(),
  legacy_id text unique,
  title text not null check (length(title) between 1 and 200),
  status text not null default 'todo' check (status in ('todo', 'in_progress', 'done')),
  due_at timestamptz(3),
  bot_id uuid references public.bots (id) on delete set null,
  legacy_bot_id text,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index tasks_created_idx on public.tasks (created_at, id);
create index tasks_due_idx on public.tasks (due_at, id);
create index tasks_status_idx on public.tasks (status, created_at, id);
create index tasks_bot_idx on public.tasks (bot_id, created_at, id);

create table public.calendar_events (
  id uuid primary key default gen_random_uuid(),
  legacy_id text unique,
  title text not null check (length(title) between 1 and 200),
  date date not null,
  note text not null default '',
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index calendar_events_date_idx on public.calendar_events (date, id);
create index calendar_events_created_idx on public.calendar_events (created_at, id);

-- ---- finance ---------------------------------------------------------------------------------
create table public.finance_operations (
  id uuid primary key default gen_random_uuid(),
  legacy_id text unique,
  type text not null check (type in ('income', 'expense')),
  category text not null check (category ~ '^[a-z0-9_]{1,40}$'),
  -- Always positive; type gives the sign. Legacy float noise (136.36999999999998) is rounded to
  -- cents by the migration; unparseable amounts ("n/a") are rejected and reported, never zeroed.
  amount numeric(18, 2) not null check (amount > 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  occurred_at timestamptz(3) not null,
  bot_id uuid references public.bots (id) on delete set null,
  legacy_bot_id text,
  comment text not null default '',
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
);
create index finance_operations_occurred_idx on public.finance_operations (occurred_at, id);
create index finance_operations_created_idx on public.finance_operations (created_at, id);
create index finance_operations_amount_idx on public.finance_operations (amount, id);
create index finance_operations_type_idx on public.finance_operations (type, occurred_at, id);
create index finance_operations_category_idx on public.finance_operations (category, occurred_at, id);
create index finance_operations_bot_idx on public.finance_operations (bot_id, occurred_at, id);
-- Covers the summary's group-by without touching the heap.
create index finance_operations_summary_idx
  on public.finance_operations (currency, occurred_at) include (type, category, amount);

-- ---- settings --------------------------------------------------------------------------------
create table public.settings (
  section text primary key check (section ~ '^[a-z][a-z0-9_]{0,39}$'),
  data jsonb not null check (jsonb_typeof(data) = 'object'),
  updated_at timestamptz(3) not null default now()
);

-- ---- artifacts (metadata; the objects live in S3, bucket botmox-artifacts) ----------------
create table public.artifacts (
  id uuid primary key default gen_random_uuid(),
  platform text not null check (platform ~ '^[a-z0-9_-]{1,32}$'),
  version text not null check (length(version) between 1 and 64),
  file_name text not null check (length(file_name) between 1 and 255 and file_name !~ '[/\\]'),
  object_key text not null unique check (object_key like 'artifacts/installers/%'),
  content_type text,
  size_bytes bigint check (size_bytes >= 0),
  sha256 text check (sha256 ~ '^[0-9a-f]{64}$'),
  status text not null default 'pending' check (status in ('pending', 'uploaded')),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  uploaded_at timestamptz(3),
  unique (platform, version, file_name)
);
create index artifacts_platform_idx on public.artifacts (platform, created_at, id);
create index artifacts_status_idx on public.artifacts (status, created_at, id);

-- ---- updated_at triggers ---------------------------------------------------------------------
do $$
declare t text;
begin
  foreach t in array array['bots', 'licenses', 'proxies', 'subscriptions', 'notes', 'tasks',
                           'calendar_events', 'finance_operations', 'settings', 'artifacts'] loop
    execute format(
      'create trigger %I before update on public.%I for each row execute function public.touch_updated_at()',
      t || '_touch_updated_at', t);
  end loop;
end $$;
