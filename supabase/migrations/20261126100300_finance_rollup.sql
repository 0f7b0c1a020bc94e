-- Finance rollup (issue 3, /finance/summary): per currency, UTC month, category and type, the
-- sum and count of operations, kept exact by statement-level triggers on finance_operations.
-- The summary reads this table (hundreds of rows) instead of scanning every operation when its
-- filters allow (no bot/project filter, month-aligned or open date range); otherwise it
-- aggregates finance_operations directly. Both paths are SQL and give the same numbers.

create table public.finance_monthly_totals (
  currency char(3) not null,
  month date not null check (extract(day from month) = 1),
  category text not null,
  type text not null check (type in ('income', 'expense')),
  amount_sum numeric(20, 2) not null default 0,
  operations bigint not null default 0 check (operations >= 0),
  primary key (currency, month, category, type)
);
comment on table public.finance_monthly_totals is
  'Derived from finance_operations by triggers; never written directly.';

create or replace function public.finance_rollup_apply() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  -- Subtract what left (DELETE, UPDATE's old rows), add what arrived (INSERT, UPDATE's new rows).
  if tg_op in ('UPDATE', 'DELETE') then
    -- Their groups exist: each departing row was counted when it arrived.
    update public.finance_monthly_totals t
       set amount_sum = t.amount_sum - o.amount_sum, operations = t.operations - o.operations
      from (select currency, date_trunc('month', occurred_at at time zone 'UTC')::date as month, category, type,
                   sum(amount) as amount_sum, count(*) as operations
              from old_rows group by 1, 2, 3, 4) o
     where t.currency = o.currency and t.month = o.month and t.category = o.category and t.type = o.type;
  end if;
  if tg_op in ('UPDATE', 'INSERT') then
    insert into public.finance_monthly_totals as t (currency, month, category, type, amount_sum, operations)
    select currency, date_trunc('month', occurred_at at time zone 'UTC')::date, category, type, sum(amount), count(*)
      from new_rows group by 1, 2, 3, 4
    on conflict (currency, month, category, type) do update
      set amount_sum = t.amount_sum + excluded.amount_sum, operations = t.operations + excluded.operations;
  end if;
  return null;
end $$;

create trigger finance_rollup_insert after insert on public.finance_operations
  referencing new table as new_rows for each statement execute function public.finance_rollup_apply();
create trigger finance_rollup_update after update on public.finance_operations
  referencing old table as old_rows new table as new_rows for each statement execute function public.finance_rollup_apply();
create trigger finance_rollup_delete after delete on public.finance_operations
  referencing old table as old_rows for each statement execute function public.finance_rollup_apply();

-- Rows already present (none on a fresh database; the migration of legacy data comes later).
insert into public.finance_monthly_totals (currency, month, category, type, amount_sum, operations)
select currency, date_trunc('month', occurred_at at time zone 'UTC')::date, category, type, sum(amount), count(*)
  from public.finance_operations group by 1, 2, 3, 4;

alter table public.finance_monthly_totals enable row level security;
revoke all on public.finance_monthly_totals from anon, authenticated, service_role;
grant select, insert, update, delete on public.finance_monthly_totals to service_role;
grant select on public.finance_monthly_totals to authenticated;
create policy finance_monthly_totals_service_role_all on public.finance_monthly_totals
  as permissive for all to service_role using (true) with check (true);
create policy finance_monthly_totals_authenticated_read on public.finance_monthly_totals
  as permissive for select to authenticated using ((select auth.role()) = 'authenticated');
revoke execute on function public.finance_rollup_apply() from public, anon, authenticated;
