import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { unique } from './support/backend';
import { origins } from './support/env';
import { sha256 } from './support/http';
import { expect, test } from './support/fixtures';

const SIZE = 20 * 1024 * 1024;

test('a 20 MB installer uploads straight to S3 with progress, is listed, and downloads byte-identical', async ({
  page,
  checkPage,
}) => {
  test.setTimeout(120_000);
  const { s3, api } = origins();
  const version = `1.0.${Date.now() % 100000}-e2e${unique()}`;
  const fileName = `bot-mox-setup-${version}.exe`;
  const content = randomBytes(SIZE);
  const digest = sha256(content);

  await page.goto('/artifacts');
  await expect(page.getByRole('heading', { level: 1, name: 'Artifacts' })).toBeVisible();
  await checkPage();

  const form = page.getByRole('form', { name: 'Upload an installer' });
  await form.getByLabel('Platform').selectOption('windows');
  await form.getByLabel('Version').fill(version);
  await form
    .getByLabel('File')
    .setInputFiles({ name: fileName, mimeType: 'application/octet-stream', buffer: content });

  // Loopback is too fast to see progress: hold the browser's upload to ~8 MB/s (about 2.5 s).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 8 * 1024 * 1024,
  });

  const put = page.waitForRequest((r) => r.method() === 'PUT', { timeout: 30_000 });
  await form.getByRole('button', { name: 'Upload', exact: true }).click();
  const putRequest = await put;
  const target = new URL(putRequest.url());
  expect(target.origin, 'the bytes go straight to S3, not through the API').toBe(s3);
  expect(target.origin).not.toBe(api);
  expect(target.pathname).toContain(`/artifacts/installers/windows/${version}/`);

  // Visible progress: the label and the progress bar, somewhere strictly between 0 and 100 %.
  await expect(form.getByText(/Uploading… ([1-9]\d?)% \(/)).toBeVisible({ timeout: 20_000 });
  const progress = form.getByRole('progressbar');
  await expect(progress).toBeVisible();
  const value = Number(await progress.getAttribute('value'));
  expect(value).toBeGreaterThan(0);
  expect(value).toBeLessThan(100);
  await checkPage(page, 'artifacts: upload in progress');

  await expect(form.getByRole('status')).toHaveText(`Uploaded ${fileName}.`, { timeout: 60_000 });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });

  const row = page
    .getByRole('table', { name: 'Installers' })
    .getByRole('row')
    .filter({ hasText: fileName });
  await expect(row).toContainText(version);
  await expect(row).toContainText('20 MiB');
  await expect(row).toContainText('Ready');

  // The download (a presigned GET on s3.<domain>) has the same bytes.
  const downloading = page.waitForEvent('download');
  await row.getByRole('button', { name: `Download ${fileName}` }).click();
  const download = await downloading;
  expect(new URL(download.url()).origin).toBe(s3);
  const saved = await download.path();
  expect(sha256(await readFile(saved)), 'sha256 of the download').toBe(digest);

  // Clean up through the UI as well.
  await row.getByRole('button', { name: `Delete ${fileName}` }).click();
  const confirm = page.getByRole('dialog', { name: `Delete installer ${fileName}?` });
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(row).toHaveCount(0);
});
