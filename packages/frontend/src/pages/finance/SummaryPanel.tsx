// The finance summary: totals per currency and a chart by month or category, in plain CSS bars
// (no chart library).
import { endpoints, type FinanceCategoryTotals, type FinanceMonthTotals } from '@bot-mox/contracts';
import type { RequestQueryOf } from '@bot-mox/contracts/client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { keys } from '../../api/keys';
import { useApi } from '../../app/services';
import { Field } from '../../components/Field';
import { formatMoney, humanize } from '../../components/format';
import { QueryState } from '../../components/QueryState';

export type SummaryQuery = NonNullable<RequestQueryOf<typeof endpoints.financeSummary>>;

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

export function SummaryPanel({ query }: { query: SummaryQuery }) {
  const api = useApi();
  const summary = useQuery({
    queryKey: [...keys.financeSummary, query],
    queryFn: ({ signal }) => api.call(endpoints.financeSummary, { query, signal }),
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
