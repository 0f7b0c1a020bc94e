import { describe, expect, it } from 'vitest';
import { FinanceSummary } from '@bot-mox/contracts';
import { summarizeOperations } from './summarize.ts';

const op = (
  type: 'income' | 'expense',
  category: string,
  amount: string,
  currency: string,
  occurred_at: string,
) => ({
  type,
  category,
  amount,
  currency,
  occurred_at,
});

describe('summarizeOperations', () => {
  const ops = [
    op('income', 'gold_sale', '0.10', 'USD', '2025-01-31T23:59:59.999Z'),
    op('income', 'gold_sale', '0.20', 'USD', '2025-02-01T00:00:00.000Z'),
    op('expense', 'proxy', '1.05', 'USD', '2025-02-10T12:00:00.000Z'),
    op('expense', 'vps', '1000.00', 'RUB', '2025-02-10T12:00:00+03:00'),
  ];
  const s = summarizeOperations(ops);

  it('totals per currency exactly, never mixing currencies', () => {
    expect(s.by_currency).toEqual([
      { currency: 'RUB', income: '0.00', expense: '1000.00', net: '-1000.00', operations: 1 },
      { currency: 'USD', income: '0.30', expense: '1.05', net: '-0.75', operations: 3 },
    ]);
  });

  it('buckets months in UTC', () => {
    expect(s.by_month.map((m) => [m.currency, m.month, m.net])).toEqual([
      ['RUB', '2025-02', '-1000.00'],
      ['USD', '2025-01', '0.10'],
      ['USD', '2025-02', '-0.85'],
    ]);
  });

  it('totals per category', () => {
    expect(s.by_category.map((c) => [c.currency, c.category, c.income, c.expense])).toEqual([
      ['RUB', 'vps', '0.00', '1000.00'],
      ['USD', 'gold_sale', '0.30', '0.00'],
      ['USD', 'proxy', '0.00', '1.05'],
    ]);
  });

  it('matches the response contract', () => {
    expect(FinanceSummary.safeParse(s).success).toBe(true);
  });

  it('keeps amounts far beyond float precision exact', () => {
    const big = summarizeOperations([
      op('income', 'gold_sale', '9999999999999999.99', 'EUR', '2025-01-01T00:00:00Z'),
      op('income', 'gold_sale', '0.01', 'EUR', '2025-01-01T00:00:00Z'),
    ]);
    expect(big.by_currency[0]!.income).toBe('10000000000000000.00');
  });
});
