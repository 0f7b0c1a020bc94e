import { describe, expect, it } from 'vitest';
import { parseMigrateRtdbArgs, RtdbInputError } from './command.ts';

describe('migrate:rtdb flags', () => {
  it('reads --from-file (relative to the caller’s directory), --dry-run and --batch-size', () => {
    expect(parseMigrateRtdbArgs(['--from-file', 'x.json'], '/work/repo')).toEqual({
      from: 'file',
      file: '/work/repo/x.json',
      dryRun: false,
      batchSize: 500,
      timings: false,
    });
    expect(
      parseMigrateRtdbArgs(['--dry-run', '--from-file=/abs/e.json', '--batch-size', '50'], '/'),
    ).toEqual({ from: 'file', file: '/abs/e.json', dryRun: true, batchSize: 50, timings: false });
  });

  it('reads --from-rtdb with its page size (default 1000)', () => {
    expect(parseMigrateRtdbArgs(['--from-rtdb'], '/')).toEqual({
      from: 'rtdb',
      pageSize: 1000,
      dryRun: false,
      batchSize: 500,
      timings: false,
    });
    expect(parseMigrateRtdbArgs(['--from-rtdb', '--page-size=25', '--dry-run'], '/')).toEqual({
      from: 'rtdb',
      pageSize: 25,
      dryRun: true,
      batchSize: 500,
      timings: false,
    });
  });

  it('reads --timings (the per-phase breakdown)', () => {
    expect(parseMigrateRtdbArgs(['--from-file', 'x.json', '--timings'], '/')).toMatchObject({
      timings: true,
    });
  });

  it('refuses unknown flags, bad batch sizes and a missing file with one line', () => {
    const cases: [string[], RegExp][] = [
      [['--from-file', 'a', '--force'], /unknown flag --force/],
      [['--from-file', 'a', '--batch-size', '0'], /--batch-size must be an integer/],
      [['--from-file', 'a', '--batch-size', 'many'], /--batch-size must be an integer/],
      [['--from-file'], /--from-file needs a value/],
      [['--dry-run'], /a source is required: --from-file <export.json> or --from-rtdb/],
      [['--from-rtdb', 'https://x'], /unknown flag https:\/\/x/],
      [['--from-rtdb=yes'], /unknown flag --from-rtdb=yes/],
      [['--from-file', 'a', '--timings=yes'], /unknown flag --timings=yes/],
      [['--from-rtdb', '--from-file', 'a'], /give one source/],
      [['--from-file', 'a', '--page-size', '10'], /--page-size applies to --from-rtdb only/],
      [['--from-rtdb', '--page-size', '0'], /--page-size must be an integer 1\.\.10000/],
    ];
    for (const [args, message] of cases) {
      expect(() => parseMigrateRtdbArgs(args, '/')).toThrow(RtdbInputError);
      expect(() => parseMigrateRtdbArgs(args, '/')).toThrow(message);
    }
  });
});
