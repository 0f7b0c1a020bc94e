import { removeWhere } from './support/backend';
import { expect, test } from './support/fixtures';

const COMMENT = 'e2e-finance-summary';

test.afterEach(async () => {
  await removeWhere('operations', 'comment', COMMENT);
});

test('adding a finance operation moves the summary', async ({ page, seed, checkPage }) => {
  await page.goto('/finance');
  await expect(page.getByRole('heading', { level: 1, name: 'Finance' })).toBeVisible();
  const usd = page
    .getByRole('list', { name: 'Totals per currency' })
    .getByRole('listitem')
    .filter({ has: page.getByText('USD', { exact: true }) });
  const before = seed.allTimeUsd;
  await expect(usd).toContainText(`income ${before.income}`);
  await expect(usd).toContainText(`net ${before.net}`);
  await expect(usd).toContainText(`(${before.operations} operations)`);
  await checkPage();

  await page.getByRole('button', { name: 'New operation' }).click();
  const dialog = page.getByRole('dialog', { name: 'New operation' });
  await dialog.getByLabel('Type').selectOption('income');
  await dialog.getByLabel('Category').fill('gold_sale');
  await dialog.getByLabel('Amount').fill('100.25');
  await dialog.getByLabel('Currency').fill('USD');
  await dialog.getByLabel('Comment').fill(COMMENT);
  await checkPage(page, 'finance: new operation dialog');
  await dialog.getByRole('button', { name: 'Add operation' }).click();
  await expect(dialog).toBeHidden();

  // 2 550.49 + 100.25 = 2 650.74 income; net 2 450.49 + 100.25; one operation more.
  await expect(usd).toContainText('income 2\u202f650.74 USD');
  await expect(usd).toContainText(`expense ${before.expense}`);
  await expect(usd).toContainText('net 2\u202f550.74 USD');
  await expect(usd).toContainText(`(${before.operations + 1} operations)`);
  await expect(
    page.getByRole('table', { name: 'Operations' }).getByRole('row').filter({ hasText: COMMENT }),
  ).toContainText('+100.25 USD');
});
