import { describe, expect, it } from 'vitest';
import {
  boolean,
  calendarDate,
  code,
  decimal,
  enumValue,
  integer,
  ipAddress,
  keySet,
  list,
  positiveDecimal,
  reference,
  slug,
  text,
  textList,
  timestamp,
  type Parsed,
} from './rules.ts';

const value = <T>(p: Parsed<T>): T => {
  if (!p.ok) throw new Error(`expected ok, got: ${p.reason}`);
  return p.value;
};
const reason = (p: Parsed<unknown>): string => {
  if (p.ok) throw new Error(`expected a failure, got ${JSON.stringify(p.value)}`);
  return p.reason;
};

describe('decimal (amounts, prices: numeric(18,2))', () => {
  const money = decimal(2);
  it('reads numbers and numbers stored as strings exactly', () => {
    expect(value(money(807.75))).toBe('807.75');
    expect(value(money('12.50'))).toBe('12.50');
    expect(value(money('1967.64'))).toBe('1967.64');
    expect(value(money(1409))).toBe('1409.00');
    expect(value(money(' 7.5 '))).toBe('7.50');
    expect(value(money(0.1 + 0.2))).toBe('0.30'); // 0.30000000000000004
  });
  it('rounds float noise to the column scale without binary arithmetic', () => {
    expect(value(money(136.36999999999998))).toBe('136.37');
    expect(value(money(2203.0199999999995))).toBe('2203.02');
    expect(value(money('136.36999999999998'))).toBe('136.37');
    expect(value(money(1e21))).toBe('1000000000000000000000.00');
    expect(value(decimal(3)('2.1229999999999998'))).toBe('2.123');
  });
  it('refuses digits that are real precision, not noise', () => {
    expect(reason(money('12.505'))).toMatch(/more than 2 fraction digits/);
    expect(reason(money(0.001))).toMatch(/more than 2 fraction digits/);
  });
  it('refuses what is not a number, never zeroing it', () => {
    for (const raw of ['n/a', '', '12,50', '1.2.3', null, true, {}, [], Number.NaN, Infinity]) {
      expect(reason(money(raw))).toMatch(/not a (decimal )?number/);
    }
  });
  it('positiveDecimal refuses zero and negatives (the columns check > 0)', () => {
    expect(value(positiveDecimal()('0.01'))).toBe('0.01');
    expect(reason(positiveDecimal()(0))).toMatch(/greater than zero/);
    expect(reason(positiveDecimal()('-5'))).toMatch(/greater than zero/);
    expect(reason(positiveDecimal()('n/a'))).toMatch(/not a decimal/);
  });
});

describe('integer', () => {
  it('reads numbers and digit strings ("8080")', () => {
    expect(value(integer()(9485))).toBe(9485);
    expect(value(integer()('57563'))).toBe(57563);
    expect(value(integer()('42'))).toBe(42);
  });
  it('refuses fractions, text and out-of-range values', () => {
    expect(reason(integer()(4.5))).toMatch(/not an integer/);
    expect(reason(integer()('42a'))).toMatch(/not an integer/);
    expect(reason(integer(1, 65535)('70000'))).toMatch(/outside 1..65535/);
    expect(reason(integer(1, 65535)(0))).toMatch(/outside/);
  });
});

describe('boolean', () => {
  it('reads booleans and booleans stored as strings', () => {
    expect(value(boolean(true))).toBe(true);
    expect(value(boolean('true'))).toBe(true);
    expect(value(boolean('False'))).toBe(false);
  });
  it('refuses anything else', () => {
    for (const raw of ['yes', 1, 0, '', null])
      expect(reason(boolean(raw))).toMatch(/not a boolean/);
  });
});

describe('timestamp', () => {
  it('reads epoch milliseconds, epoch seconds and ISO strings to the same instant', () => {
    const iso = '2025-02-12T13:49:48.445Z';
    expect(value(timestamp(1739368188445))).toBe(iso);
    expect(value(timestamp('1739368188445'))).toBe(iso);
    expect(value(timestamp(1739368188))).toBe('2025-02-12T13:49:48.000Z');
    expect(value(timestamp(iso))).toBe(iso);
    expect(value(timestamp('2025-02-12T16:49:48.445+03:00'))).toBe(iso);
    expect(value(timestamp('2025-02-12T13:49Z'))).toBe('2025-02-12T13:49:00.000Z');
  });
  it('takes a calendar date as midnight UTC', () => {
    expect(value(timestamp('2023-09-10'))).toBe('2023-09-10T00:00:00.000Z');
  });
  it('refuses local times, impossible dates, unit mistakes and text', () => {
    expect(reason(timestamp('2025-02-12T13:49:48'))).toMatch(/not a time/);
    expect(reason(timestamp('2023-02-30'))).toMatch(/not a valid date/);
    expect(reason(timestamp('2023-02-30T00:00:00Z'))).toMatch(/not a valid time/);
    expect(reason(timestamp(-5))).toMatch(/not a time|out of range/);
    expect(reason(timestamp(1e17))).toMatch(/out of range/);
    expect(reason(timestamp('n/a'))).toMatch(/not a time/);
    expect(reason(timestamp(1.5))).toMatch(/not a time/);
  });
});

describe('calendarDate', () => {
  it('keeps YYYY-MM-DD and takes the UTC day of a time', () => {
    expect(value(calendarDate('2023-01-02'))).toBe('2023-01-02');
    expect(value(calendarDate(1739368188445))).toBe('2025-02-12');
    expect(value(calendarDate('2025-02-12T23:30:00-03:00'))).toBe('2025-02-13');
  });
  it('refuses impossible days and text', () => {
    expect(reason(calendarDate('2025-13-01'))).toMatch(/not a valid date/);
    expect(reason(calendarDate('tomorrow'))).toMatch(/not a date/);
  });
});

describe('lists', () => {
  it('reads JSON arrays and objects with numeric keys, in numeric key order', () => {
    expect(value(list(['us', 'lvl']))).toEqual(['us', 'lvl']);
    expect(value(list({ '0': 'eu', '1': 'farm' }))).toEqual(['eu', 'farm']);
    expect(value(list({ '10': 'c', '2': 'b', '0': 'a' }))).toEqual(['a', 'b', 'c']);
    expect(value(list(['a', null, 'b']))).toEqual(['a', 'b']);
  });
  it('refuses objects with other keys and scalars', () => {
    expect(reason(list({ a: 'x' }))).toMatch(/non-numeric keys/);
    expect(reason(list('eu,farm'))).toMatch(/not a list/);
  });
  it('textList checks each item', () => {
    expect(value(textList(text({ min: 1 }))({ '0': 'eu' }))).toEqual(['eu']);
    expect(reason(textList(text({ min: 1 }))(['eu', {}]))).toMatch(/item \{\}/);
  });
  it('keySet reads RTDB sets ({key: true}) and lists of keys', () => {
    expect(value(keySet({ '-NKa': true, '-NKb': 'true', '-NKc': false }))).toEqual([
      '-NKa',
      '-NKb',
    ]);
    expect(value(keySet(['-NKa', '-NKb']))).toEqual(['-NKa', '-NKb']);
    expect(value(keySet({}))).toEqual([]);
    expect(reason(keySet({ '-NKa': 'maybe' }))).toMatch(/member -NKa/);
  });
});

describe('enums and codes', () => {
  const status = enumValue(['running', 'idle'] as const);
  it('lower-cases capitalised values an old UI wrote', () => {
    expect(value(status('Running'))).toBe('running');
    expect(value(status(' IDLE '))).toBe('idle');
  });
  it('maps legacy aliases and refuses unknown values', () => {
    expect(value(enumValue(['single', 'multi'] as const, { sin: 'single' })('sin'))).toBe('single');
    expect(reason(status('flying'))).toMatch(/expected one of running, idle/);
    expect(reason(status(1))).toMatch(/expected one of/);
  });
  it('slugs, currency and country codes', () => {
    expect(value(slug('WoW_TBC'))).toBe('wow_tbc');
    expect(reason(slug('wow tbc'))).toMatch(/slug/);
    expect(value(code(3)('usd'))).toBe('USD');
    expect(reason(code(2)('DEU'))).toMatch(/2-letter/);
  });
  it('IP addresses and references', () => {
    expect(value(ipAddress('174.152.212.110'))).toBe('174.152.212.110');
    expect(value(ipAddress('2001:db8::1'))).toBe('2001:db8::1');
    expect(reason(ipAddress('300.1.1.1'))).toMatch(/not an IP/);
    expect(value(reference('-NKfrB-PZhx99v7YoBiu'))).toBe('-NKfrB-PZhx99v7YoBiu');
    expect(reason(reference('a/b'))).toMatch(/not an RTDB key/);
  });
});

describe('text', () => {
  it('keeps Cyrillic, escaped quotes, tabs, newlines and backslashes byte-exact', () => {
    const raw = 'line1\nline2\n\ttabbed "quoted" \\ back — перезапустить ферму';
    expect(value(text()(raw))).toBe(raw);
    expect(Buffer.from(value(text()(raw))).equals(Buffer.from(raw))).toBe(true);
    expect(value(text()(' padded '))).toBe(' padded ');
  });
  it('counts characters, not bytes, against limits; numbers become their text', () => {
    expect(value(text({ max: 4 })('лес1'))).toBe('лес1');
    expect(reason(text({ max: 3 })('лес1'))).toMatch(/at most 3/);
    expect(reason(text({ min: 1 })(''))).toMatch(/at least 1/);
    expect(value(text()(42))).toBe('42');
    expect(reason(text()({}))).toMatch(/expected text/);
  });
});
