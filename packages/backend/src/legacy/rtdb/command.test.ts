import { describe, expect, it } from 'vitest';
import { parseMigrateRtdbArgs, RtdbInputError } from './command.ts';

describe('migrate:rtdb flags', () => {
  it('reads --from-file (relative to the caller’s directory), --dry-run and --batch-size', () => {
    expect(parseMigrateRtdbArgs(['--from-file', 'x.json'], '/work/repo')).toEqual({
      file: '/work/repo/x.json',
      dryRun: false,
      batchSize: 500,
    });
    expect(
      parseMigrateRtdbArgs(['--dry-run', '--from-file=/abs/e.json', '--batch-size', '50'], '/'),
    ).toEqual({ file: '/abs/e.json', dryRun: true, batchSize: 50 });
  });

  it('refuses unknown flags, bad batch sizes and a missing file with one line', () => {
    const cases: [string[], RegExp][] = [
      [['--from-file', 'a', '--force'], /unknown flag --force/],
      [['--from-file', 'a', '--batch-size', '0'], /--batch-size must be an integer/],
      [['--from-file', 'a', '--batch-size', 'many'], /--batch-size must be an integer/],
      [['--from-file'], /--from-file needs a value/],
      [['--dry-run'], /--from-file <export.json> is required/],
      [['--from-rtdb', 'https://x'], /not available yet/],
    ];
    for (const [args, message] of cases) {
      expect(() => parseMigrateRtdbArgs(args, '/')).toThrow(RtdbInputError);
      expect(() => parseMigrateRtdbArgs(args, '/')).toThrow(message);
    }
  });
});
