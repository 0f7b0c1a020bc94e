// The finance summary's shape from grouping-set rows (SQL): decimal strings pass through as
// Postgres computed them.
import type { FinanceSummary } from '@bot-mox/contracts';

/** One row of the summary query: `month` and/or `category` null where that level is rolled up. */
export interface SummaryRow {
  currency: string;
  month: string | null;
  category: string | null;
  income: string;
  expense: string;
  net: string;
  operations: number;
}

const byKeys =
  <T>(...keys: ((t: T) => string)[]) =>
  (a: T, b: T): number => {
    for (const k of keys) {
      const x = k(a);
      const y = k(b);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };

export function shapeSummary(rows: readonly SummaryRow[]): FinanceSummary {
  const totals = (r: SummaryRow) => ({
    income: r.income,
    expense: r.expense,
    net: r.net,
    operations: r.operations,
  });
  const summary: FinanceSummary = {
    by_currency: rows
      .filter((r) => r.month === null && r.category === null)
      .map((r) => ({ currency: r.currency, ...totals(r) })),
    by_month: rows
      .filter((r) => r.month !== null && r.category === null)
      .map((r) => ({ currency: r.currency, month: r.month!, ...totals(r) })),
    by_category: rows
      .filter((r) => r.month === null && r.category !== null)
      .map((r) => ({ currency: r.currency, category: r.category!, ...totals(r) })),
  };
  summary.by_currency.sort(byKeys((t) => t.currency));
  summary.by_month.sort(
    byKeys(
      (t) => t.currency,
      (t) => t.month,
    ),
  );
  summary.by_category.sort(
    byKeys(
      (t) => t.currency,
      (t) => t.category,
    ),
  );
  return summary;
}
