// End-to-end: Playwright against prod-sim (the built images behind Caddy over HTTPS, with the
// real database and S3 server), in Debian's chromium. `pnpm e2e`; README "End-to-end".
//
// CI (ci.yml comes later): after the stack suite, run `pnpm e2e` with E2E_JSON_REPORT=1 and keep
// the HTML report and the failure traces as build artifacts, even when the job fails:
//   - uses: actions/upload-artifact@v4
//     if: ${{ !cancelled() }}
//     with: { name: playwright-report, path: playwright-report/, retention-days: 14 }
//   - uses: actions/upload-artifact@v4
//     if: ${{ failure() }}
//     with: { name: e2e-traces, path: test-results/e2e/ }
// (`npx playwright show-trace <trace.zip>` or trace.playwright.dev opens a trace.)
import { defineConfig } from '@playwright/test';
import { launchOptions, videoSupported } from './e2e/support/browser';
import { STORAGE_STATE, origins } from './e2e/support/env';

// Never download a browser: Debian's chromium is used where present (e2e/support/browser.ts).
process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD ??= '1';

/** E2E_JSON_REPORT=1 writes test-results/summary/e2e.json; any other value is the file to write. */
const jsonReport = process.env.E2E_JSON_REPORT;
const jsonFile =
  jsonReport && !['1', 'true'].includes(jsonReport) ? jsonReport : 'test-results/summary/e2e.json';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Not test-results/ itself: Playwright empties its outputDir, and test-results/summary/ holds
  // the other suites' JSON reports.
  outputDir: 'test-results/e2e',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  // One prod-sim, one shared database: specs run one at a time and clean up what they create,
  // so that every spec sees the seeded state plus only its own changes.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  // One retry: Chromium aborts in-flight requests (net::ERR_NETWORK_CHANGED) whenever the host's
  // interfaces change, which Docker does each time a network or container comes or goes (e.g.
  // another suite's stack on the same machine). A test that passes only on retry is reported as
  // flaky (stats.flaky in the JSON report), not hidden.
  retries: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    ['html', { outputFolder: 'playwright-report', open: 'never' }],
    ...(jsonReport ? [['json', { outputFile: jsonFile }] as ['json', { outputFile: string }]] : []),
  ],
  use: {
    baseURL: origins().app,
    storageState: STORAGE_STATE,
    locale: 'en-US',
    timezoneId: 'UTC',
    // The browser trusts Caddy's root through its NSS db; certificate errors stay errors.
    ignoreHTTPSErrors: false,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // Needs an ffmpeg: Debian's where Debian's chromium runs (scripts/setup-chromium.sh).
    video: videoSupported() ? 'retain-on-failure' : 'off',
    launchOptions: launchOptions(),
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
