import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script of the bench, without type declarations
import { calibratedCpuSlowdown } from './lighthouse.mjs';

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
