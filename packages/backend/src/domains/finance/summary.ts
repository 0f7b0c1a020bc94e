// Finance summary logic shared by every repository: the shape of grouping-set rows (SQL) and the
// same totals computed from plain operations (for stores that can't aggregate, e.g. the legacy
// RTDB). Both use exact decimal strings.
import type { FinanceSummary, OperationType } from '@bot-mox/contracts';
import { fromCents, toCents } from '../../platform/decimal.ts';

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

export interface SummarizableOperation {
  type: OperationType;
  category: string;
  amount: string;
  currency: string;
  occurred_at: string;
}

interface Acc {
  income: bigint;
  expense: bigint;
  operations: number;
}

/** The same summary from operations in memory, in exact cents. */
export function summarizeOperations(ops: Iterable<SummarizableOperation>): FinanceSummary {
  const groups = new Map<
    string,
    { currency: string; month: string | null; category: string | null; acc: Acc }
  >();
  const add = (
    currency: string,
    month: string | null,
    category: string | null,
    type: OperationType,
    cents: bigint,
  ) => {
    const key = JSON.stringify([currency, month, category]);
    let g = groups.get(key);
    if (!g) {
      g = { currency, month, category, acc: { income: 0n, expense: 0n, operations: 0 } };
      groups.set(key, g);
    }
    g.acc[type] += cents;
    g.acc.operations += 1;
  };
  for (const op of ops) {
    const cents = toCents(op.amount);
    const month = new Date(op.occurred_at).toISOString().slice(0, 7);
    add(op.currency, null, null, op.type, cents);
    add(op.currency, month, null, op.type, cents);
    add(op.currency, null, op.category, op.type, cents);
  }
  return shapeSummary(
    [...groups.values()].map((g) => ({
      currency: g.currency,
      month: g.month,
      category: g.category,
      income: fromCents(g.acc.income),
      expense: fromCents(g.acc.expense),
      net: fromCents(g.acc.income - g.acc.expense),
      operations: g.acc.operations,
    })),
  );
}
