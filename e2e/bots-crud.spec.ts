import { endpoints } from '@bot-mox/contracts';
import type { ApiError } from '@bot-mox/contracts/client';
import { backendApi, removeWhere, unique } from './support/backend';
import { expect, test } from './support/fixtures';

const PREFIX = 'e2e-crud-';

test.afterEach(async () => {
  await removeWhere('bots', 'name', PREFIX);
});

test('create, edit and delete a bot', async ({ page, checkPage }) => {
  const name = `${PREFIX}${unique()}`;
  const renamed = `${name}-renamed`;

  await page.goto('/bots');
  await expect(page.getByRole('heading', { level: 1, name: 'Bots' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Bots' })).toBeVisible();
  await checkPage();

  // Create
  await page.getByRole('button', { name: 'New bot' }).click();
  const create = page.getByRole('dialog', { name: 'New bot' });
  await expect(create).toBeVisible();
  await checkPage(page, 'bots: new bot dialog');
  await create.getByLabel('Name', { exact: true }).fill(name);
  await create.getByLabel('Status').selectOption('idle');
  await create.getByLabel('Project').fill('wow_classic');
  await create.getByLabel('VM name').fill('vm-e2e-01');
  await create.getByLabel('Tags').fill('e2e, crud');
  await create.getByLabel('Character name').fill('Thrallbot');
  await create.getByLabel('Level').fill('42');
  await create.getByRole('button', { name: 'Create bot' }).click();
  await expect(create).toBeHidden();

  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Idle');
  await expect(row).toContainText('wow_classic');
  await expect(row).toContainText('Thrallbot (42)');
  await expect(row).toContainText('e2e, crud');

  const api = backendApi();
  const stored = (await api.call(endpoints.listBots, { query: { limit: 200 } })).items.find(
    (b) => b.name === name,
  );
  expect(stored, 'the API has the new bot').toBeTruthy();

  // Edit
  await page.getByRole('button', { name: `Edit ${name}`, exact: true }).click();
  const edit = page.getByRole('dialog', { name: `Edit ${name}` });
  await expect(edit.getByLabel('Name', { exact: true })).toHaveValue(name);
  await expect(edit.getByLabel('Level')).toHaveValue('42');
  await checkPage(page, 'bots: edit dialog');
  await edit.getByLabel('Name', { exact: true }).fill(renamed);
  await edit.getByLabel('Status').selectOption('running');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();

  const renamedRow = page
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: renamed, exact: true }) });
  await expect(renamedRow).toContainText('Running');
  await expect(page.getByRole('cell', { name, exact: true })).toHaveCount(0);
  const afterEdit = await api.call(endpoints.getBots, { params: { id: stored!.id } });
  expect(afterEdit).toMatchObject({ name: renamed, status: 'running' });

  // Delete
  await page.getByRole('button', { name: `Delete ${renamed}`, exact: true }).click();
  const confirm = page.getByRole('dialog', { name: `Delete bot ${renamed}?` });
  await expect(confirm).toBeVisible();
  await checkPage(page, 'bots: delete confirmation');
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(renamedRow).toHaveCount(0);
  const gone = await api
    .call(endpoints.getBots, { params: { id: stored!.id } })
    .catch((error: ApiError) => error);
  expect((gone as ApiError).status, 'the API no longer has it').toBe(404);
});
