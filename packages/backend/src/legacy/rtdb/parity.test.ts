import { describe, expect, it } from 'vitest';
import { PARITY_FIELDS, sampleKeys } from './parity.ts';
import { DOMAINS } from './records.ts';

describe('sampleKeys', () => {
  const keys = Array.from({ length: 500 }, (_, i) => `-K${String(i).padStart(5, '0')}`);

  it('takes N distinct keys, the same ones for the same seed whatever the input order', () => {
    const a = sampleKeys(keys, 25, 7);
    expect(a).toHaveLength(25);
    expect(new Set(a).size).toBe(25);
    expect(a.every((k) => keys.includes(k))).toBe(true);
    expect(sampleKeys([...keys].reverse(), 25, 7)).toEqual(a);
  });

  it('another seed gives another sample; N beyond the keys gives all of them once', () => {
    expect(sampleKeys(keys, 25, 8)).not.toEqual(sampleKeys(keys, 25, 7));
    expect(sampleKeys(['b', 'a', 'a'], 10, 1).sort()).toEqual(['a', 'b']);
  });
});

describe('PARITY_FIELDS', () => {
  it('lists fields for every domain, never the store-specific id or the match key', () => {
    expect(Object.keys(PARITY_FIELDS).sort()).toEqual([...DOMAINS].sort());
    for (const fields of Object.values(PARITY_FIELDS)) {
      expect(fields.length).toBeGreaterThan(0);
      expect(fields).not.toContain('id');
      expect(fields).not.toContain('legacy_id');
    }
  });
});
