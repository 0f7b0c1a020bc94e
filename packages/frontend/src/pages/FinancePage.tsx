import {
  Currency,
  FinanceSummary,
  Operation,
  OperationCategory,
  OperationCreate,
  OperationPage,
  OperationType,
  OperationUpdate,
  type FinanceCategoryTotals,
  type FinanceMonthTotals,
} from '@bot-mox/contracts';
import { useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { Query } from '../api/client';
import { keys, paths } from '../api/paths';
import { useApi } from '../app/services';
import { ContractForm, type FieldSpec } from '../components/ContractForm';
import { CrudTable, type FormRenderProps } from '../components/CrudTable';
import { Field } from '../components/Field';
import {
  formatDateTime,
  formatMoney,
  humanize,
  isoToLocalInput,
  localInputToIso,
} from '../components/format';
import { optional, str } from '../components/formValues';
import { QueryState } from '../components/QueryState';
import { botRoute } from './bots/format';

// ---- the operation form -----------------------------------------------------------------------
const operationFields: FieldSpec[] = [
  { name: 'type', label: 'Type', type: 'select', options: OperationType.options },
  { name: 'category', label: 'Category', type: 'text', hint: 'A slug, e.g. gold_sale' },
  { name: 'amount', label: 'Amount', type: 'number', hint: 'Positive, e.g. 12.50' },
  { name: 'currency', label: 'Currency', type: 'text', hint: 'ISO code, e.g. USD' },
  { name: 'occurred_at', label: 'Occurred at', type: 'datetime' },
  { name: 'bot_id', label: 'Bot id', type: 'text' },
  { name: 'comment', label: 'Comment', type: 'textarea' },
];

function OperationForm({ item, ...props }: FormRenderProps<Operation>) {
  const editing = Boolean(item);
  return (
    <ContractForm
      label={editing ? 'Edit operation' : 'New operation'}
      fields={operationFields}
      initial={{
        type: item?.type ?? 'expense',
        category: item?.category ?? '',
        amount: item?.amount ?? '',
        currency: item?.currency ?? 'USD',
        occurred_at: isoToLocalInput(item?.occurred_at ?? new Date().toISOString()),
        bot_id: item?.bot_id ?? '',
        comment: item?.comment ?? '',
      }}
      schema={editing ? OperationUpdate : OperationCreate}
      toInput={(v) => ({
        type: v.type,
        category: str(v.category).trim(),
        amount: str(v.amount).trim().replace(',', '.'),
        currency: str(v.currency).trim().toUpperCase(),
        occurred_at: localInputToIso(str(v.occurred_at)),
        bot_id: optional(v.bot_id, editing),
        comment: str(v.comment),
      })}
      submitLabel={editing ? 'Save changes' : 'Add operation'}
      {...props}
    />
  );
}

/** The bot by name, linked to its page; a bot that is gone by the start of its id. */
function BotCell({ operation: o }: { operation: Operation }) {
  if (!o.bot_id) return '—';
  if (o.bot_name === null) {
    return (
      <span className="muted" title={o.bot_id}>
        deleted bot {o.bot_id.slice(0, 8)}
      </span>
    );
  }
  return <Link to={botRoute(o.bot_id)}>{o.bot_name}</Link>;
}

// ---- the summary chart: plain CSS bars, no chart library --------------------------------------
const toNumber = (money: string) => Number(money);

function Bars({
  rows,
  label,
}: {
  rows: {
    key: string;
    label: string;
    income: string;
    expense: string;
    net: string;
    currency: string;
  }[];
  label: string;
}) {
  const max = Math.max(1, ...rows.flatMap((r) => [toNumber(r.income), toNumber(r.expense)]));
  return (
    <div className="chart" role="table" aria-label={label}>
      <div className="visually-hidden" role="row">
        <span role="columnheader">Period</span>
        <span role="columnheader">Income and expense</span>
        <span role="columnheader">Net</span>
      </div>
      {rows.map((r) => (
        <div key={r.key} className="bar-row" role="row">
          <span role="rowheader">{r.label}</span>
          <span className="bar-track" role="cell">
            <span
              className="bar bar-income"
              style={{ width: `${(toNumber(r.income) / max) * 100}%` }}
              title={`Income ${formatMoney(r.income, r.currency)}`}
            />
            <span
              className="bar bar-expense"
              style={{ width: `${(toNumber(r.expense) / max) * 100}%` }}
              title={`Expense ${formatMoney(r.expense, r.currency)}`}
            />
            <span className="visually-hidden">
              income {formatMoney(r.income, r.currency)}, expense{' '}
              {formatMoney(r.expense, r.currency)}
            </span>
          </span>
          <span role="cell" className={toNumber(r.net) < 0 ? 'field-error num' : 'num'}>
            {formatMoney(r.net, r.currency)}
          </span>
        </div>
      ))}
    </div>
  );
}

function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 1)).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

function SummaryPanel({ query }: { query: Query }) {
  const api = useApi();
  const summary = useQuery({
    queryKey: [...keys.financeSummary, query],
    queryFn: ({ signal }) => api.get(paths.financeSummary, FinanceSummary, query, signal),
  });
  const [chosen, setChosen] = useState<string | null>(null);
  const [view, setView] = useState<'month' | 'category'>('month');

  return (
    <section className="panel" aria-labelledby="summary-title" style={{ marginBottom: '1rem' }}>
      <h2 id="summary-title">Summary</h2>
      <QueryState
        query={summary}
        loading="Loading summary…"
        errorTitle="Could not load the summary"
        isEmpty={(s) => s.by_currency.length === 0}
        empty="No operations in this selection."
      >
        {(s) => {
          const currencies = s.by_currency.map((c) => c.currency);
          const currency = chosen && currencies.includes(chosen) ? chosen : (currencies[0] ?? '');
          const months = s.by_month.filter((m) => m.currency === currency);
          const categories = s.by_category.filter((c) => c.currency === currency);
          return (
            <>
              <ul
                className="stat-list"
                aria-label="Totals per currency"
                style={{ marginBottom: '1rem' }}
              >
                {s.by_currency.map((t) => (
                  <li key={t.currency}>
                    <strong>{t.currency}</strong>
                    <span>
                      income {formatMoney(t.income, t.currency)} · expense{' '}
                      {formatMoney(t.expense, t.currency)} · net{' '}
                      <strong>{formatMoney(t.net, t.currency)}</strong> ({t.operations} operations)
                    </span>
                  </li>
                ))}
              </ul>
              <div className="toolbar">
                <Field label="Chart currency">
                  {(p) => (
                    <select {...p} value={currency} onChange={(e) => setChosen(e.target.value)}>
                      {currencies.map((c) => (
                        <option key={c}>{c}</option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label="Group by">
                  {(p) => (
                    <select
                      {...p}
                      value={view}
                      onChange={(e) =>
                        setView(e.target.value === 'category' ? 'category' : 'month')
                      }
                    >
                      <option value="month">Month</option>
                      <option value="category">Category</option>
                    </select>
                  )}
                </Field>
                <div className="legend" aria-hidden="true">
                  <span className="l-income">Income</span>
                  <span className="l-expense">Expense</span>
                </div>
              </div>
              {view === 'month' ? (
                <Bars
                  label={`Income and expense by month, ${currency}`}
                  rows={months.map((m: FinanceMonthTotals) => ({
                    key: m.month,
                    label: monthLabel(m.month),
                    ...m,
                  }))}
                />
              ) : (
                <Bars
                  label={`Income and expense by category, ${currency}`}
                  rows={categories.map((c: FinanceCategoryTotals) => ({
                    key: c.category,
                    label: humanize(c.category),
                    ...c,
                  }))}
                />
              )}
            </>
          );
        }}
      </QueryState>
    </section>
  );
}

// ---- the page ---------------------------------------------------------------------------------
/** `YYYY-MM-DD` (local day) → ISO instant of that day's local midnight, or of the next day's. */
export function dayStart(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
}

export default function FinancePage() {
  const [params, setParams] = useSearchParams();
  const type = OperationType.safeParse(params.get('type')).data;
  const categoryInput = params.get('category') ?? '';
  const currencyInput = params.get('currency') ?? '';
  const fromDay = params.get('from') ?? '';
  const toDay = params.get('to') ?? '';
  const category = useDeferredValue(categoryInput.trim());
  const currency = useDeferredValue(currencyInput.trim().toUpperCase());
  const categoryError =
    category && !OperationCategory.safeParse(category).success
      ? 'Must be a slug like gold_sale'
      : undefined;
  const currencyError =
    currency && !Currency.safeParse(currency).success ? 'Must be a code like USD' : undefined;
  const from = dayStart(fromDay);
  const to = dayStart(toDay, 1);
  const rangeError =
    from && to && Date.parse(from) >= Date.parse(to) ? 'Must not be before “From”' : undefined;

  const filters: Query = {
    ...(type ? { type } : {}),
    ...(category && !categoryError ? { category } : {}),
    ...(currency && !currencyError ? { currency } : {}),
    ...(from && !rangeError ? { from } : {}),
    ...(to && !rangeError ? { to } : {}),
  };
  const filtered = Object.keys(filters).length > 0;
  const setParam = (name: string, value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );

  return (
    <section aria-labelledby="finance-title">
      <div className="page-header">
        <h1 id="finance-title">Finance</h1>
      </div>
      <form
        className="toolbar"
        role="search"
        aria-label="Filter operations"
        onSubmit={(e) => e.preventDefault()}
      >
        <Field label="Type">
          {(p) => (
            <select {...p} value={type ?? ''} onChange={(e) => setParam('type', e.target.value)}>
              <option value="">Income and expense</option>
              {OperationType.options.map((t) => (
                <option key={t} value={t}>
                  {humanize(t)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Category" error={categoryError}>
          {(p) => (
            <input
              {...p}
              value={categoryInput}
              onChange={(e) => setParam('category', e.target.value)}
            />
          )}
        </Field>
        <Field label="Currency" error={currencyError}>
          {(p) => (
            <input
              {...p}
              value={currencyInput}
              size={5}
              onChange={(e) => setParam('currency', e.target.value)}
            />
          )}
        </Field>
        <Field label="From">
          {(p) => (
            <input
              {...p}
              type="date"
              value={fromDay}
              onChange={(e) => setParam('from', e.target.value)}
            />
          )}
        </Field>
        <Field label="To" error={rangeError}>
          {(p) => (
            <input
              {...p}
              type="date"
              value={toDay}
              onChange={(e) => setParam('to', e.target.value)}
            />
          )}
        </Field>
        {(filtered || categoryInput || currencyInput) && (
          <button type="button" className="btn" onClick={() => setParams({}, { replace: true })}>
            Clear filters
          </button>
        )}
      </form>
      <SummaryPanel query={filters} />
      <CrudTable<Operation>
        noun="operation"
        title="Operations"
        queryKey={keys.operations}
        listPath={paths.operations}
        itemPath={paths.operation}
        pageSchema={OperationPage}
        itemSchema={Operation}
        itemLabel={(o) => `${o.type} ${formatMoney(o.amount, o.currency)} (${o.category})`}
        columns={[
          { header: 'When', cell: (o) => formatDateTime(o.occurred_at) },
          {
            header: 'Type',
            cell: (o) => <span className={`badge badge-${o.type}`}>{humanize(o.type)}</span>,
          },
          { header: 'Category', cell: (o) => humanize(o.category) },
          {
            header: 'Amount',
            cell: (o) => `${o.type === 'expense' ? '−' : '+'}${formatMoney(o.amount, o.currency)}`,
            numeric: true,
          },
          { header: 'Bot', cell: (o) => <BotCell operation={o} /> },
          { header: 'Comment', cell: (o) => o.comment || '—' },
        ]}
        renderForm={(p) => <OperationForm {...p} />}
        query={{ sort: '-occurred_at', ...filters }}
        filtered={filtered}
        invalidateAlso={[keys.financeSummary, ['dashboard']]}
      />
    </section>
  );
}
