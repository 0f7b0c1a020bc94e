// The shared fixture every spec uses. On every page a test visits:
//  - no console errors (and no uncaught page errors), checked when the test ends; a Content
//    Security Policy violation counts as one (see reportCspViolations);
//  - an axe-core scan with 0 serious or critical violations: `checkPage()` scans the page as
//    it is now, and when the test ends every path the test visited must have been scanned
//    (the page still open is scanned then, if it wasn't yet).
import AxeBuilder from '@axe-core/playwright';
import {
  test as base,
  expect,
  type Browser,
  type ConsoleMessage,
  type Page,
  type TestInfo,
} from '@playwright/test';
import { SEED_FILE, STORAGE_STATE, readJson } from './env';
import type { SeedFacts } from './seed';

export { expect };

interface ConsoleProblem {
  page: string;
  text: string;
  url: string;
}

/**
 * Runs in the page before its scripts: logs every CSP violation as a console error. Chrome logs
 * nothing for a violation whose exception the page catches (e.g. a library probing `new
 * Function`); it only lists it under DevTools' Issues, and Lighthouse counts it there.
 */
function reportCspViolations() {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(
      `CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
    );
  });
}

class PageGuard {
  readonly problems: ConsoleProblem[] = [];
  /** Paths visited per page, and which were scanned. */
  private readonly visited = new Map<Page, Set<string>>();
  private readonly scanned = new Set<string>();
  private readonly allowed: { pattern: RegExp; reason: string }[] = [];

  private readonly testInfo: TestInfo;

  constructor(testInfo: TestInfo) {
    this.testInfo = testInfo;
  }

  async watch(page: Page, name: string): Promise<Page> {
    await page.addInitScript(reportCspViolations);
    const paths = new Set<string>();
    this.visited.set(page, paths);
    const record = () => {
      const url = new URL(page.url());
      if (url.protocol === 'https:') paths.add(`${url.host}${url.pathname}`);
    };
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) record();
    });
    page.on('console', (msg: ConsoleMessage) => {
      if (msg.type() !== 'error') return;
      const problem = { page: name, text: msg.text(), url: msg.location().url };
      if (!this.allowed.some((a) => a.pattern.test(`${problem.text} ${problem.url}`)))
        this.problems.push(problem);
    });
    page.on('pageerror', (error) =>
      this.problems.push({ page: name, text: `uncaught: ${error.message}`, url: page.url() }),
    );
    return page;
  }

  /** An error the test causes on purpose (e.g. the browser logs the API's 400); say why. */
  allowConsoleError(pattern: RegExp, reason: string) {
    this.allowed.push({ pattern, reason });
  }

  async scan(page: Page, label?: string): Promise<void> {
    const url = new URL(page.url());
    const key = `${url.host}${url.pathname}`;
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    this.scanned.add(key);
    if (bad.length > 0) {
      await this.testInfo.attach(`axe ${label ?? key}`, {
        body: JSON.stringify(bad, null, 2),
        contentType: 'application/json',
      });
    }
    const summary = bad.map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')})`,
    );
    expect(summary, `axe: serious or critical violations on ${label ?? key}`).toEqual([]);
  }

  /** Before a page closes: scan it if its current path wasn't, and require a scan of every path it visited. */
  async finishPage(page: Page): Promise<void> {
    const paths = this.visited.get(page);
    if (!paths || page.isClosed()) return;
    const url = new URL(page.url());
    if (url.protocol === 'https:' && !this.scanned.has(`${url.host}${url.pathname}`))
      await this.scan(page);
    for (const path of paths) {
      expect(
        this.scanned.has(path),
        `visited ${path} without an axe check (call checkPage there)`,
      ).toBe(true);
    }
  }

  finishConsole(): void {
    const lines = this.problems.map((p) => `[${p.page}] ${p.text}${p.url ? ` (${p.url})` : ''}`);
    expect(lines, 'console errors on the pages visited').toEqual([]);
  }
}

interface Fixtures {
  guard: PageGuard;
  /** Scans the page as it is now with axe-core (0 serious/critical). */
  checkPage: (target?: Page, label?: string) => Promise<void>;
  /** Expect a console error the test provokes on purpose. */
  allowConsoleError: (pattern: RegExp, reason: string) => void;
  /** A second, separately signed-in browser (its own context), watched like `page`. */
  openSecondBrowser: () => Promise<Page>;
  seed: SeedFacts;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take an object pattern
  guard: async ({}, use, testInfo) => {
    const guard = new PageGuard(testInfo);
    await use(guard);
    guard.finishConsole(); // last: after every page of the test was torn down
  },
  page: async ({ page, guard }, use) => {
    await guard.watch(page, 'page');
    await use(page);
    await guard.finishPage(page);
  },
  checkPage: async ({ page, guard }, use) => {
    await use((target = page, label) => guard.scan(target, label));
  },
  allowConsoleError: async ({ guard }, use) => {
    await use((pattern, reason) => guard.allowConsoleError(pattern, reason));
  },
  openSecondBrowser: async ({ browser, guard, locale, timezoneId }, use) => {
    const opened: Awaited<ReturnType<Browser['newContext']>>[] = [];
    await use(async () => {
      const context = await browser.newContext({ locale, timezoneId, storageState: STORAGE_STATE });
      opened.push(context);
      return guard.watch(await context.newPage(), 'second browser');
    });
    for (const context of opened) {
      for (const p of context.pages()) await guard.finishPage(p);
      await context.close();
    }
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take an object pattern
  seed: async ({}, use) => {
    await use(readJson<SeedFacts>(SEED_FILE));
  },
});
