import { endpoints } from '@bot-mox/contracts';
import { backendApi, removeWhere } from './support/backend';
import { expect, test } from './support/fixtures';

const COMMENT = 'e2e-form-errors: nothing typed may be lost';
// A well-formed id (the form's own checks pass) of a bot that does not exist: only the API,
// through the database's foreign key, can say what is wrong.
const MISSING_BOT = '00000000-0000-4000-8000-0000000e2e00';

test.afterEach(async () => {
  await removeWhere('operations', 'comment', 'e2e-form-errors');
});

test("a form with bad input shows the API's field errors and loses nothing", async ({
  page,
  checkPage,
  allowConsoleError,
}) => {
  allowConsoleError(
    /status of 400 .*\/api\/v1\/finance\/operations/,
    'Chromium logs the 400 that this test provokes on purpose',
  );
  await page.goto('/finance');
  await page.getByRole('button', { name: 'New operation' }).click();
  const dialog = page.getByRole('dialog', { name: 'New operation' });
  const typed = {
    Category: 'proxy',
    Amount: '19.99',
    Currency: 'EUR',
    'Occurred at': '2026-11-20T14:30',
    'Bot id': MISSING_BOT,
    Comment: COMMENT,
  };
  await dialog.getByLabel('Type').selectOption('expense');
  for (const [label, value] of Object.entries(typed))
    await dialog.getByLabel(label, { exact: true }).fill(value);

  const answer = page.waitForResponse(
    (r) => r.url().endsWith('/api/v1/finance/operations') && r.request().method() === 'POST',
  );
  await dialog.getByRole('button', { name: 'Add operation' }).click();
  const response = await answer;
  expect(response.status(), 'the API refused it').toBe(400);
  const problem = (await response.json()) as { errors?: { field: string; message: string }[] };
  const apiMessage = problem.errors?.find((e) => e.field === 'body.bot_id')?.message;
  expect(apiMessage, 'the API names the field').toBeTruthy();

  // The message sits at its field, the field is marked invalid, the form says why.
  const botId = dialog.getByLabel('Bot id', { exact: true });
  await expect(botId).toHaveAttribute('aria-invalid', 'true');
  await expect(botId).toHaveAccessibleDescription(
    new RegExp(apiMessage!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
  );
  await expect(dialog.getByRole('alert')).toContainText('Invalid request');
  await checkPage(page, 'finance: form with API field errors');

  // Nothing typed is lost.
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Type')).toHaveValue('expense');
  for (const [label, value] of Object.entries(typed)) {
    await expect(dialog.getByLabel(label, { exact: true }), label).toHaveValue(value);
  }

  // Fix only the bad field: the rest goes through as typed.
  await botId.fill('');
  await expect(botId).toHaveAttribute('aria-invalid', 'false');
  await dialog.getByRole('button', { name: 'Add operation' }).click();
  await expect(dialog).toBeHidden();
  const saved = (
    await backendApi().call(endpoints.listOperations, { query: { limit: 200, currency: 'EUR' } })
  ).items.find((o) => o.comment === COMMENT);
  expect(saved).toMatchObject({
    type: 'expense',
    category: 'proxy',
    amount: '19.99',
    currency: 'EUR',
  });
});
