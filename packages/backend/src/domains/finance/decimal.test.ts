import { describe, expect, it } from 'vitest';
import { addMoney, fromCents, subMoney, toCents } from './decimal.ts';

describe('decimal money', () => {
  it('adds without binary float error', () => {
    expect(0.1 + 0.2).not.toBe(0.3); // the reason this module exists
    expect(addMoney('0.10', '0.20')).toBe('0.30');
  });
  it('stays exact beyond 2^53', () => {
    expect(addMoney('9007199254740993.01', '0.01')).toBe('9007199254740993.02');
  });
  it('handles signs and one fraction digit', () => {
    expect(subMoney('1.5', '2.25')).toBe('-0.75');
    expect(toCents('-12.5')).toBe(-1250n);
    expect(fromCents(-5n)).toBe('-0.05');
  });
  it('rejects what is not an amount', () => {
    expect(() => toCents('n/a')).toThrow(RangeError);
    expect(() => toCents('1.234')).toThrow(RangeError);
    expect(() => toCents('1e3')).toThrow(RangeError);
  });
});
