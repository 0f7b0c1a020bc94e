import { describe, expect, it } from 'vitest';
import { shapeSummary, type SummaryRow } from './summary.ts';

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
