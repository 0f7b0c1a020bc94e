import type { Locator } from '@playwright/test';
import { endpoints } from '@bot-mox/contracts';
import { backendApi } from './support/backend';
import { expect, test } from './support/fixtures';

/** The <dd> that follows the <dt> named `term` in a facts list. */
const fact = (panel: Locator, term: string) =>
  panel
    .locator('dt', { hasText: new RegExp(`^${term}$`) })
    .locator('xpath=following-sibling::dd[1]');

test('the status page shows the versions and ready', async ({ page, checkPage }) => {
  const health = await backendApi().call(endpoints.health);
  await page.goto('/system');
  await expect(page.getByRole('heading', { level: 1, name: 'System status' })).toBeVisible();

  const backend = page.getByRole('region', { name: 'Backend' });
  await expect(fact(backend, 'Status')).toHaveText('ok');
  await expect(fact(backend, 'Version')).toHaveText(health.version);
  await expect(fact(backend, 'Git SHA')).toHaveText(health.git_sha);
  await expect(fact(backend, 'Image tag')).toHaveText(health.image_tag);
  await expect(fact(backend, 'Data backend')).toHaveText('supabase');
  await expect(fact(backend, 'Supabase')).toHaveText('ready');

  const ready = page.getByRole('region', { name: 'Ready checks' });
  await expect(ready.getByText('Overall:')).toContainText('ready');
  await expect(ready.getByText('Overall:')).not.toContainText('not ready');
  const checks = ready.getByRole('list', { name: 'Ready checks' }).getByRole('listitem');
  await expect(checks.first()).toBeVisible();
  await expect(checks.filter({ hasText: 'FAIL' })).toHaveCount(0);
  await expect(checks.filter({ hasText: 'database' })).toContainText('OK');
  await expect(checks.filter({ hasText: 'migrations' })).toContainText('OK');

  const frontend = page.getByRole('region', { name: 'Frontend' });
  await expect(fact(frontend, 'Version')).toHaveText(/^\d+\.\d+\.\d+/);
  // Both images come from the same build: the same tag.
  await expect(fact(frontend, 'Image tag')).toHaveText(health.image_tag);
  await expect(fact(frontend, 'Environment')).toHaveText('prod-sim');
  await checkPage();
});
