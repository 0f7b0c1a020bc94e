import { describe, expect, it } from 'vitest';
import { FinanceSummary } from '@bot-mox/contracts';
import { shapeSummary, summarizeOperations, type SummaryRow } from './summary.ts';

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

describe('shapeSummary', () => {
  it('splits grouping-set rows into the three views, sorted, passing decimal strings through untouched', () => {
    const rows: SummaryRow[] = [
      {
        currency: 'USD',
        month: null,
        category: 'proxy',
        income: '0.00',
        expense: '12345678901234567.89',
        net: '-12345678901234567.89',
        operations: 2,
      },
      {
        currency: 'USD',
        month: '2025-03',
        category: null,
        income: '1.00',
        expense: '0.00',
        net: '1.00',
        operations: 1,
      },
      {
        currency: 'EUR',
        month: null,
        category: null,
        income: '2.00',
        expense: '0.00',
        net: '2.00',
        operations: 1,
      },
      {
        currency: 'USD',
        month: '2025-01',
        category: null,
        income: '0.00',
        expense: '1.00',
        net: '-1.00',
        operations: 1,
      },
    ];
    const s = shapeSummary(rows);
    expect(s.by_currency).toEqual([
      { currency: 'EUR', income: '2.00', expense: '0.00', net: '2.00', operations: 1 },
    ]);
    expect(s.by_month.map((m) => m.month)).toEqual(['2025-01', '2025-03']);
    expect(s.by_category[0]!.expense).toBe('12345678901234567.89');
  });
});

describe('monthAligned (when the rollup may answer)', () => {
  it('accepts open ranges and UTC month starts only, and never bot or project filters', async () => {
    const { monthAligned } = await import('./kysely-repository.ts');
    expect(monthAligned({})).toBe(true);
    expect(
      monthAligned({
        from: '2025-01-01T00:00:00Z',
        to: '2025-03-01T00:00:00.000Z',
        currency: 'USD',
      }),
    ).toBe(true);
    expect(monthAligned({ from: '2025-01-01T03:00:00+03:00' })).toBe(true);
    expect(monthAligned({ from: '2025-01-02T00:00:00Z' })).toBe(false);
    expect(monthAligned({ to: '2025-01-01T00:00:00.001Z' })).toBe(false);
    expect(monthAligned({ bot_id: 'x' })).toBe(false);
    expect(monthAligned({ project: 'wow_tbc' })).toBe(false);
  });
});
