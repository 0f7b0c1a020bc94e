import { expect, test } from './support/fixtures';

const STATUS_LABELS: Record<string, string> = {
  prepare: 'Prepare',
  running: 'Running',
  idle: 'Idle',
  stopped: 'Stopped',
  error: 'Error',
  banned: 'Banned',
};

test('the dashboard shows the seeded numbers', async ({ page, seed, checkPage }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

  const bots = page.getByRole('region', { name: 'Bots by status' });
  await expect(bots.getByText(`${seed.botsTotal} bots`, { exact: true })).toBeVisible();
  const perStatus = bots.getByRole('list', { name: 'Bots per status' }).getByRole('listitem');
  for (const [status, label] of Object.entries(STATUS_LABELS)) {
    await expect(
      perStatus.filter({ hasText: label }).locator('strong'),
      `bots ${status}`,
    ).toHaveText(String(seed.botsByStatus[status] ?? 0));
  }

  const month = page.getByRole('list', { name: 'This month per currency' }).getByRole('listitem');
  await expect(month).toHaveCount(Object.keys(seed.month).length);
  for (const [currency, totals] of Object.entries(seed.month)) {
    const row = month.filter({ has: page.getByText(currency, { exact: true }) });
    await expect(row).toContainText(`+${totals.income}`);
    await expect(row).toContainText(`−${totals.expense}`);
  }

  const expiring = page.getByRole('list', { name: 'Expiring resources' });
  await expect(expiring.getByRole('listitem')).toHaveCount(seed.expiring.length);
  for (const label of seed.expiring) await expect(expiring).toContainText(label);
  await expect(expiring).not.toContainText('E2E-LIC-LATER');

  const tasks = page.getByRole('list', { name: 'Open tasks due' });
  await expect(tasks.getByRole('listitem')).toHaveCount(seed.tasksDue.length);
  for (const title of seed.tasksDue) await expect(tasks).toContainText(title);

  await checkPage();
});

interface ShiftRecord {
  value: number;
  sources: string[];
}

test('nothing on the dashboard shifts as it loads, the seeded data arrives and the live connection comes up (phone width)', async ({
  page,
  checkPage,
}) => {
  // Lighthouse's mobile screen; the layout shifts are recorded from the first paint on.
  await page.setViewportSize({ width: 412, height: 823 });
  await page.addInitScript(() => {
    const shifts: ShiftRecord[] = [];
    Object.assign(window, { __layoutShifts: shifts });
    const describe = (node: Node | null) => {
      const el = node instanceof Element ? node : node?.parentElement;
      if (!el) return '?';
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      return el.closest('.topbar') ? `${name} in topbar` : name;
    };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as {
        value: number;
        hadRecentInput: boolean;
        sources: { node: Node | null }[];
      }[]) {
        if (!entry.hadRecentInput)
          shifts.push({ value: entry.value, sources: entry.sources.map((s) => describe(s.node)) });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  // Every panel's data is in (the seeded lists are not empty): the panels had their size before.
  await expect(page.getByRole('list', { name: 'Bots per status' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'This month per currency' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Expiring resources' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Open tasks due' })).toBeVisible();
  await page.waitForTimeout(500); // let a last frame render and its shift be reported
  const shifts = await page.evaluate(
    () => (window as unknown as { __layoutShifts: ShiftRecord[] }).__layoutShifts,
  );
  // Sources name what moved: items "in topbar", div.layout (all below the bar), section.panel.
  expect(shifts, `layout shifts: ${JSON.stringify(shifts)}`).toEqual([]);
  await checkPage();
});
