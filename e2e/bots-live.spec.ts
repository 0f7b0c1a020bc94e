import { endpoints } from '@bot-mox/contracts';
import { backendApi, removeWhere, unique } from './support/backend';
import { expect, test } from './support/fixtures';

const PREFIX = 'e2e-live-';

test.afterEach(async () => {
  await removeWhere('bots', 'name', PREFIX);
});

test("a second browser sees a bot's status change live, without a reload", async ({
  page,
  openSecondBrowser,
  checkPage,
}) => {
  const name = `${PREFIX}${unique()}`;
  await backendApi().call(endpoints.createBots, {
    body: { name, status: 'idle', project: 'wow_tbc' },
  });

  const watcher = await openSecondBrowser();
  for (const p of [page, watcher]) {
    await p.goto('/bots');
    await expect(p.getByRole('cell', { name, exact: true })).toBeVisible();
    await expect(p.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  }
  await checkPage(page);
  await checkPage(watcher, 'bots (second browser)');
  const watchedRow = watcher
    .getByRole('row')
    .filter({ has: watcher.getByRole('cell', { name, exact: true }) });
  await expect(watchedRow).toContainText('Idle');
  // Anything that reloads the second page (navigation, reload) drops this marker.
  await watcher.evaluate(
    () => ((window as unknown as { __e2eNoReload: boolean }).__e2eNoReload = true),
  );
  const navigations: string[] = [];
  watcher.on('load', () => navigations.push(watcher.url()));

  // The first browser changes the status through the UI.
  await page.getByRole('button', { name: `Edit ${name}`, exact: true }).click();
  const edit = page.getByRole('dialog', { name: `Edit ${name}` });
  await edit.getByLabel('Status').selectOption('running');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();

  // The second browser shows it, pushed over the WebSocket.
  await expect(watchedRow).toContainText('Running', { timeout: 10_000 });
  expect(
    await watcher.evaluate(() => (window as unknown as { __e2eNoReload?: boolean }).__e2eNoReload),
  ).toBe(true);
  expect(navigations, 'the second page did not load again').toEqual([]);
});
