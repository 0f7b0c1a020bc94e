// Prints one line of totals over every suite: "N passed, N failed, N skipped".
// Input: a folder of Vitest/Playwright JSON reports, plus suites that ran without a report
// (a crash before any test) given as "--crashed name" — each counts as one failure.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [dir, ...rest] = process.argv.slice(2);
const crashed = rest.filter((_, i) => rest[i - 1] === '--crashed');
const totals = { passed: 0, failed: crashed.length, skipped: 0 };

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const report = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  if ('numPassedTests' in report) {
    // Vitest's json reporter (Jest-compatible)
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A file that failed without a failed test (it failed to load, or a hook failed and its
    // tests were skipped) is a failure too.
    for (const suite of report.testResults ?? []) {
      const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === 'failed');
      if (suite.status === 'failed' && failedTests.length === 0) totals.failed += 1;
    }
  } else if (report.stats && 'expected' in report.stats) {
    // Playwright's json reporter
    totals.passed += report.stats.expected + (report.stats.flaky ?? 0);
    totals.failed += report.stats.unexpected;
    totals.skipped += report.stats.skipped;
  }
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
