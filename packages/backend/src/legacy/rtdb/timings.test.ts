import { describe, expect, it } from 'vitest';
import { formatTimings, Timings } from './timings.ts';

describe('migrate:rtdb timings', () => {
  it('sums each phase, each kind over the domains, and the statements as postgres busy time', async () => {
    const t = new Timings();
    t.add('bots.map', 2);
    t.add('bots.map', 3);
    t.add('notes.map', 5);
    t.add('run.connect', 7);
    await t.sql('bots.sql.upsert', () => new Promise((r) => setTimeout(r, 20)));
    t.transactions++;
    const r = t.report();
    expect(r.phases['bots.map']).toEqual({ n: 2, ms: 5, max_ms: 3 });
    expect(r.phases['*.map']).toEqual({ n: 3, ms: 10, max_ms: 5 });
    expect(r.phases['run.connect']).toEqual({ n: 1, ms: 7, max_ms: 7 });
    expect(r.phases['*.connect']).toBeUndefined();
    expect(r.postgres_busy_ms).toBe(r.phases['bots.sql.upsert']!.ms);
    expect(r.postgres_busy_ms).toBeGreaterThanOrEqual(15);
    expect(r.postgres_idle_ms).toBeCloseTo(r.wall_ms - r.postgres_busy_ms, 0);
    expect(r.transactions).toBe(1);
  });

  it('records a failed statement’s time too, and prints the kinds by time', async () => {
    const t = new Timings();
    await expect(t.sql('bots.sql.upsert', () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    t.add('finance_operations.read', 40);
    t.add('bots.read', 10);
    const lines = formatTimings(t.report());
    expect(lines[0]).toMatch(
      /^wall [\d.]+ ms; postgres busy [\d.]+ ms, idle [\d.]+ ms; 0 transaction/,
    );
    expect(lines[1]).toBe('  *.read: 50 ms (2x, max 40 ms)');
    expect(lines.some((l) => l.startsWith('  *.sql.upsert: '))).toBe(true);
  });
});
