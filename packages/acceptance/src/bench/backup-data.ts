// The data of `pnpm bench:backup`: the real tables of supabase/migrations filled server-side with
// generate_series (realistic rows with their indexes, not one blob), in rounds until
// pg_database_size reaches the size asked for, and the steady write load of the WAL lag phase.

/** Rows per table in one unit of generated data (about 0.8 MB with indexes). */
export const UNIT_ROWS = {
  'public.bots': 100,
  'public.finance_operations': 1000,
  'public.tasks': 200,
  'public.notes': 50,
  'public.proxies': 100,
  'public.licenses': 25,
  'public.license_bots': 50,
  'public.subscriptions': 50,
  'public.calendar_events': 20,
} as const;

const U = UNIT_ROWS;

/** `gen` generated rows numbered from unit `from` for `units` units: `g` runs over global numbers,
 * so that unique columns (proxies' ip and port, licenses' key) never repeat across rounds. */
const series = (perUnit: number, from: number, units: number) =>
  `generate_series(${from * perUnit + 1}::bigint, ${(from + units) * perUnit}) g`;

/**
 * One round, one transaction, run as a superuser with session_replication_role = replica: the
 * row triggers (a NOTIFY per row, the finance rollup) are off for the bulk load, as for a restore;
 * `rollupSql` rebuilds the rollup once at the end. Every bot of the round gets finance operations,
 * tasks, proxies, subscriptions and license links; rows differ (statuses, times, sizes) by number.
 */
export function roundSql(from: number, units: number): string {
  const bots = U['public.bots'] * units;
  const byBot = (expr = 'g') => `join round_bots r on r.rn = 1 + (${expr}) % ${bots}`;
  return `
set session_replication_role = replica;
create temp table round_bots (rn bigint primary key, id uuid not null) on commit drop;
create temp table round_licenses (rn bigint primary key, id uuid not null) on commit drop;
with b as (
  insert into public.bots (name, status, project, vm_name, character, tags, last_seen_at, created_at, updated_at)
  select 'bench-bot-' || g,
         (array['prepare', 'running', 'idle', 'stopped', 'error', 'banned'])[1 + g % 6],
         (array['wow_tbc', 'wow_classic', 'wow_retail', 'lineage2'])[1 + g % 4],
         'vm-' || g % 500,
         jsonb_build_object('name', 'Char' || g, 'level', 1 + g % 70,
           'class', (array['warrior', 'mage', 'priest', 'rogue', 'hunter', 'druid'])[1 + g % 6],
           'realm', 'realm-' || g % 40, 'zone', 'zone-' || g % 120, 'gold', g * 7919 % 100000),
         array['farm', 'zone-' || g % 12, 'batch-' || g / 1000],
         now() - make_interval(secs => g % 86400),
         now() - make_interval(days => (g % 730)::int),
         now() - make_interval(secs => g % 3600)
    from ${series(U['public.bots'], from, units)}
  returning id)
insert into round_bots select row_number() over (), id from b;
insert into public.finance_operations
  (type, category, amount, currency, occurred_at, bot_id, comment, created_at, updated_at)
select case when g % 4 = 0 then 'expense' else 'income' end,
       (array['subscription', 'proxy', 'license', 'gold_sale', 'account_sale', 'hardware'])[1 + g % 6],
       (1 + g * 7919 % 50000) / 100.0,
       (array['USD', 'EUR', 'RUB'])[1 + g % 3],
       now() - make_interval(mins => (g % 525600)::int),
       case when g % 10 = 0 then null else r.id end,
       'op ' || g || ' ' || left(md5(g::text), 12),
       now() - make_interval(mins => (g % 525600)::int), now()
  from ${series(U['public.finance_operations'], from, units)} ${byBot()};
insert into public.tasks (title, status, due_at, bot_id, created_at)
select 'Task ' || g || ': ' || (array['restart client', 'renew proxy', 'level up', 'move zone', 'check ban'])[1 + g % 5],
       (array['todo', 'in_progress', 'done'])[1 + g % 3],
       now() + make_interval(hours => (g % 2000)::int - 1000),
       r.id, now() - make_interval(hours => (g % 5000)::int)
  from ${series(U['public.tasks'], from, units)} ${byBot()};
insert into public.notes (title, content, pinned, created_at)
select 'Note ' || g, 'Notes on bot ' || g || E':\\n' || repeat(md5(g::text) || ' ', 1 + (g % 40)::int),
       g % 17 = 0, now() - make_interval(hours => (g % 5000)::int)
  from ${series(U['public.notes'], from, units)};
insert into public.proxies (ip, port, login, password, provider, country, status, expires_at, bot_id)
select ('10.' || (g >> 16) % 256 || '.' || (g >> 8) % 256 || '.' || g % 256)::inet, 1024 + (g % 50000)::int,
       'user' || g, md5(g::text), (array['proxy-seller', 'iproyal', 'webshare'])[1 + g % 3],
       (array['US', 'DE', 'NL', 'FR', 'GB', 'PL'])[1 + g % 6], (array['active', 'expired', 'banned'])[1 + g % 3],
       now() + make_interval(days => (g % 90)::int), r.id
  from ${series(U['public.proxies'], from, units)} ${byBot()};
with l as (
  insert into public.licenses (key, type, status, expires_at)
  select 'BENCH-' || g || '-' || upper(left(md5(g::text), 16)), (array['trial', 'single', 'multi'])[1 + g % 3],
         (array['active', 'expired', 'revoked'])[1 + g % 3], now() + make_interval(days => (g % 365)::int)
    from ${series(U['public.licenses'], from, units)}
  returning id)
insert into round_licenses select row_number() over (), id from l;
insert into public.license_bots (license_id, bot_id)
select l.id, r.id from round_licenses l join round_bots r on r.rn in (2 * l.rn - 1, 2 * l.rn);
insert into public.subscriptions (name, type, price, currency, renews_at, bot_id)
select 'Sub ' || g, (array['service', 'game'])[1 + g % 2], (1 + g % 5000) / 100.0,
       (array['USD', 'EUR', 'RUB'])[1 + g % 3], now() + make_interval(days => (g % 31)::int), r.id
  from ${series(U['public.subscriptions'], from, units)} ${byBot()};
insert into public.calendar_events (title, date, note)
select 'Event ' || g, current_date + (g % 365)::int, 'bench event ' || md5(g::text)
  from ${series(U['public.calendar_events'], from, units)};
select 'size', pg_database_size(current_database());`;
}

/** The finance rollup, rebuilt once from the operations (its triggers were off for the load). */
export const rollupSql = `
set session_replication_role = replica;
delete from public.finance_monthly_totals;
insert into public.finance_monthly_totals (currency, month, category, type, amount_sum, operations)
select currency, date_trunc('month', occurred_at at time zone 'UTC')::date, category, type, sum(amount), count(*)
  from public.finance_operations group by 1, 2, 3, 4;`;

/**
 * The app's writes at a steady `rate` per second for `seconds`, each its own transaction, with
 * the triggers on: a bot's status and last_seen_at (as its agent reports), and a finance
 * operation. Ends with a NOTICE giving the number of transactions.
 */
export function writeLoadSql(rate: number, seconds: number): string {
  return `do $$
declare
  ids uuid[] := array(select id from public.bots order by created_at desc limit 1000);
  started timestamptz := clock_timestamp();
  n int := 0;
begin
  while clock_timestamp() < started + make_interval(secs => ${seconds}) loop
    update public.bots set status = (array['running', 'idle', 'stopped'])[1 + n % 3], last_seen_at = clock_timestamp()
     where id = ids[1 + n % array_length(ids, 1)];
    insert into public.finance_operations (type, category, amount, currency, occurred_at, bot_id, comment)
    values ('income', 'gold_sale', 1 + n % 500, 'USD', clock_timestamp(), ids[1 + n % array_length(ids, 1)], 'bench write ' || n);
    commit;
    n := n + 1;
    perform pg_sleep(greatest(0, extract(epoch from started + make_interval(secs => n / ${rate}::float8) - clock_timestamp())));
  end loop;
  raise notice 'bench writes: %', n;
end $$;`;
}

/**
 * Samples WAL streaming every `interval` s for `seconds`, one NOTICE per sample: the time, the
 * server's WAL position, the slot's restart_lsn (what the receiver has flushed: the position the
 * backup health check compares), and pg_stat_replication's write and flush lag of the receiver on
 * that slot (-1 when null). Positions are bytes from 0/0.
 */
export function lagSamplerSql(slot: string, seconds: number, interval: number): string {
  return `do $$
declare
  started timestamptz := clock_timestamp();
  s record;
begin
  while clock_timestamp() < started + make_interval(secs => ${seconds}) loop
    select extract(epoch from clock_timestamp()) as t,
           pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint as cur,
           coalesce(pg_wal_lsn_diff(sl.restart_lsn, '0/0')::bigint, 0) as flushed,
           coalesce(extract(epoch from r.write_lag), -1) as write_lag,
           coalesce(extract(epoch from r.flush_lag), -1) as flush_lag
      into s
      from pg_replication_slots sl left join pg_stat_replication r on r.pid = sl.active_pid
     where sl.slot_name = '${slot}';
    raise notice 'lag-sample % % % % %', s.t, s.cur, s.flushed, s.write_lag, s.flush_lag;
    commit;
    perform pg_sleep(${interval});
  end loop;
end $$;`;
}
