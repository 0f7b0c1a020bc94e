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
