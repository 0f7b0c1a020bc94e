// scripts/summarize-results.mjs, which prints CI's one totals line from the suites' JSON reports.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = path.resolve(import.meta.dirname, 'summarize-results.mjs');
let dir: string | undefined;

async function totals(reports: Record<string, unknown>, crashed: string[] = []): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'summary-'));
  for (const [name, report] of Object.entries(reports))
    await writeFile(path.join(dir, `${name}.json`), JSON.stringify(report));
  const args = [script, dir, ...crashed.flatMap((name) => ['--crashed', name])];
  return (await run(process.execPath, args)).stdout.trim();
}

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const vitestFile = (status: string, tests: string[]) => ({
  status,
  assertionResults: tests.map((s) => ({ status: s })),
});

describe('summarize-results', () => {
  it('adds Vitest and Playwright reports, and counts a crashed suite as one failure', async () => {
    const unit = {
      numPassedTests: 3,
      numFailedTests: 1,
      numPendingTests: 1,
      numTodoTests: 0,
      testResults: [vitestFile('failed', ['passed', 'passed', 'passed', 'failed', 'skipped'])],
    };
    const e2e = { stats: { expected: 4, unexpected: 1, flaky: 1, skipped: 2 } };
    expect(await totals({ unit, e2e }, ['stack'])).toBe('8 passed, 3 failed, 3 skipped');
  });

  it('counts a file that failed in a hook, its tests skipped, as a failure', async () => {
    const integration = {
      numPassedTests: 2,
      numFailedTests: 0,
      numPendingTests: 3,
      numTodoTests: 0,
      testResults: [
        vitestFile('passed', ['passed', 'passed']),
        vitestFile('failed', ['skipped', 'skipped', 'skipped']),
      ],
    };
    expect(await totals({ integration })).toBe('2 passed, 1 failed, 3 skipped');
  });

  it('counts a file that failed to load, with no tests at all, as a failure', async () => {
    const stack = {
      numPassedTests: 0,
      numFailedTests: 0,
      numPendingTests: 0,
      numTodoTests: 0,
      testResults: [vitestFile('failed', [])],
    };
    expect(await totals({ stack })).toBe('0 passed, 1 failed, 0 skipped');
  });
});
