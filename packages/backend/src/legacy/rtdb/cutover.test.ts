import { describe, expect, it } from 'vitest';
import { parseCutoverArgs } from './cutover.ts';
import { parseParityArgs } from './parity-command.ts';

describe('cli cutover flags', () => {
  it('reads --abort, --settle-ms and --page-size', () => {
    const none = { abort: false, settleMs: undefined, pageSize: undefined };
    expect(parseCutoverArgs([])).toEqual(none);
    expect(parseCutoverArgs(['--settle-ms', '500'])).toEqual({ ...none, settleMs: 500 });
    expect(parseCutoverArgs(['--page-size=5000'])).toEqual({ ...none, pageSize: 5000 });
    expect(parseCutoverArgs(['--abort'])).toEqual({ ...none, abort: true });
  });

  it('refuses bad input with one line naming the flag', () => {
    expect(() => parseCutoverArgs(['--settle-ms', 'soon'])).toThrow(
      'cutover: --settle-ms must be an integer 0..600000, got soon',
    );
    expect(() => parseCutoverArgs(['--abort', '--settle-ms=1'])).toThrow(
      'cutover: --settle-ms does not apply to --abort',
    );
    expect(() => parseCutoverArgs(['--page-size', '0'])).toThrow(
      'cutover: --page-size must be an integer 1..10000, got 0',
    );
    expect(() => parseCutoverArgs(['--abort', '--page-size', '10'])).toThrow(
      'cutover: --page-size does not apply to --abort',
    );
    expect(() => parseCutoverArgs(['--force'])).toThrow('cutover: unknown flag --force');
  });
});

describe('cli parity flags', () => {
  it('reads a sample (seed 1 by default) and the report path', () => {
    expect(parseParityArgs([], '/w')).toEqual({ sample: undefined, report: undefined });
    expect(parseParityArgs(['--sample', '10', '--report', 'r.json'], '/w')).toEqual({
      sample: { size: 10, seed: 1 },
      report: '/w/r.json',
    });
    expect(parseParityArgs(['--sample=5', '--seed=9'], '/w').sample).toEqual({ size: 5, seed: 9 });
  });

  it('refuses bad input with one line naming the flag', () => {
    expect(() => parseParityArgs(['--seed', '3'], '/w')).toThrow(
      'parity: --seed applies to --sample only',
    );
    expect(() => parseParityArgs(['--sample', '0'], '/w')).toThrow(
      'parity: --sample must be an integer 1..1000000, got 0',
    );
    expect(() => parseParityArgs(['--report'], '/w')).toThrow('parity: --report needs a value');
  });
});
