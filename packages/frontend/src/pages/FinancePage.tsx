import { Currency, OperationCategory, OperationType } from '@bot-mox/contracts';
import { useDeferredValue } from 'react';
import { keys } from '../api/keys';
import { CrudTable } from '../components/CrudTable';
import { EnumOptions, Field } from '../components/Field';
import { formatDateTime, formatMoney, humanize } from '../components/format';
import { useUrlFilters } from '../components/useUrlFilters';
import { BotCell, OperationForm } from './finance/OperationForm';
import { SummaryPanel, type SummaryQuery } from './finance/SummaryPanel';

/** `YYYY-MM-DD` (local day) → ISO instant of that day's local midnight, or of the next day's. */
export function dayStart(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
}

export default function FinancePage() {
  const url = useUrlFilters();
  const type = OperationType.safeParse(url.get('type')).data;
  const categoryInput = url.get('category');
  const currencyInput = url.get('currency');
  const fromDay = url.get('from');
  const toDay = url.get('to');
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

  const filters: SummaryQuery = {
    ...(type ? { type } : {}),
    ...(category && !categoryError ? { category } : {}),
    ...(currency && !currencyError ? { currency } : {}),
    ...(from && !rangeError ? { from } : {}),
    ...(to && !rangeError ? { to } : {}),
  };
  const filtered = Object.keys(filters).length > 0;

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
            <select {...p} value={type ?? ''} onChange={(e) => url.set('type', e.target.value)}>
              <option value="">Income and expense</option>
              <EnumOptions values={OperationType.options} />
            </select>
          )}
        </Field>
        <Field label="Category" error={categoryError}>
          {(p) => (
            <input
              {...p}
              value={categoryInput}
              onChange={(e) => url.set('category', e.target.value)}
            />
          )}
        </Field>
        <Field label="Currency" error={currencyError}>
          {(p) => (
            <input
              {...p}
              value={currencyInput}
              size={5}
              onChange={(e) => url.set('currency', e.target.value)}
            />
          )}
        </Field>
        <Field label="From">
          {(p) => (
            <input
              {...p}
              type="date"
              value={fromDay}
              onChange={(e) => url.set('from', e.target.value)}
            />
          )}
        </Field>
        <Field label="To" error={rangeError}>
          {(p) => (
            <input
              {...p}
              type="date"
              value={toDay}
              onChange={(e) => url.set('to', e.target.value)}
            />
          )}
        </Field>
        {(filtered || categoryInput || currencyInput) && (
          <button type="button" className="btn" onClick={url.clear}>
            Clear filters
          </button>
        )}
      </form>
      <SummaryPanel query={filters} />
      <CrudTable
        collection="Operations"
        noun="operation"
        title="Operations"
        queryKey={keys.operations}
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
