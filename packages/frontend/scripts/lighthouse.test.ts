import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script of the bench, without type declarations
import { calibratedCpuSlowdown, scriptingByScript } from './lighthouse.mjs';

describe('calibratedCpuSlowdown (Lighthouse docs/throttling.md, its CPU throttling calculator)', () => {
  it("gives Lighthouse's default 4x only to a host as fast as a high-end desktop", () => {
    expect(calibratedCpuSlowdown(1533)).toBe(4);
    expect(calibratedCpuSlowdown(2000)).toBe(6);
  });

  it('gives a slower host less slowdown, through the calculator points', () => {
    expect(calibratedCpuSlowdown(150)).toBe(1);
    expect(calibratedCpuSlowdown(800)).toBe(2);
    expect(calibratedCpuSlowdown(1050)).toBe(2.5);
    expect(calibratedCpuSlowdown(1300)).toBe(3);
    expect(calibratedCpuSlowdown(475)).toBe(1.5);
  });

  it('refuses a host too slow to emulate the device, and a missing index', () => {
    expect(calibratedCpuSlowdown(149)).toBeNull();
    expect(calibratedCpuSlowdown(Number.NaN)).toBeNull();
    expect(calibratedCpuSlowdown(undefined)).toBeNull();
  });
});

describe('scriptingByScript (bootup-time per script in the bench JSON)', () => {
  const lhr = (items: unknown[]) => ({ audits: { 'bootup-time': { details: { items } } } });

  it('names assets by file and sums the page entries, costliest first, without the fragment', () => {
    const page = 'https://app.localhost/#access_token=eyJ.secret.sig&token_type=bearer';
    const result = scriptingByScript(
      lhr([
        { url: 'https://app.localhost/assets/react-abc.js', scripting: 120.4 },
        { url: page, scripting: 10 },
        { url: 'https://app.localhost/', scripting: 4 },
        { url: 'https://app.localhost/assets/zod-def.js', scripting: 300.6 },
        { url: 'Unattributable', scripting: 50 },
      ]),
    );
    expect(Object.entries(result)).toEqual([
      ['zod-def.js', 301],
      ['react-abc.js', 120],
      ['Unattributable', 50],
      ['page /', 14],
    ]);
    expect(JSON.stringify(result)).not.toMatch(/access_token|secret/);
  });

  it('keeps the six costliest and copes with a result without the audit', () => {
    const items = Array.from({ length: 9 }, (_, i) => ({
      url: `https://app.localhost/assets/c${i}.js`,
      scripting: i,
    }));
    expect(Object.keys(scriptingByScript(lhr(items)))).toEqual([
      'c8.js',
      'c7.js',
      'c6.js',
      'c5.js',
      'c4.js',
      'c3.js',
    ]);
    expect(scriptingByScript({ audits: {} })).toEqual({});
  });
});
