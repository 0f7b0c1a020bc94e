// The finance summary computed in memory from plain operations, in exact cents: what the RTDB
// repository serves, and the oracle the tests hold the SQL summary (and its monthly rollup) to.
import type { FinanceSummary, OperationType } from '@bot-mox/contracts';
import { shapeSummary } from './summary.ts';
import { fromCents, toCents } from './decimal.ts';

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
