import { origins, prodSimEnv } from './support/env';
import { http } from './support/http';
import { expect, test } from './support/fixtures';

const hstsOn = () => prodSimEnv().CADDY_HSTS === 'on';

function expectCommon(headers: Record<string, string | string[] | undefined>, where: string) {
  expect(headers['x-content-type-options'], `${where}: X-Content-Type-Options`).toBe('nosniff');
  expect(headers['referrer-policy'], `${where}: Referrer-Policy`).toBe(
    'strict-origin-when-cross-origin',
  );
  expect(headers['server'], `${where}: no Server header`).toBeUndefined();
  expect(headers['via'], `${where}: no Via header`).toBeUndefined();
  expect(headers['x-powered-by'], `${where}: no X-Powered-By`).toBeUndefined();
  if (hstsOn())
    expect(headers['strict-transport-security'], `${where}: HSTS`).toContain('max-age=');
  else
    expect(
      headers['strict-transport-security'],
      `${where}: no HSTS on localhost (CADDY_HSTS=off)`,
    ).toBeUndefined();
}

test('security headers are present on app.', async ({ page, checkPage }) => {
  const { app, api, s3 } = origins();
  const response = await page.goto('/');
  expect(response, 'the app answered').toBeTruthy();
  const headers = await response!.allHeaders();
  expectCommon(headers, 'app /');
  expect(headers['x-frame-options']).toBe('DENY');
  const csp = headers['content-security-policy'] ?? '';
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    `connect-src 'self' ${api} wss://${new URL(api).host} ${s3}`,
  ]) {
    expect(csp, 'CSP').toContain(directive);
  }
  expect(csp, 'no unsafe script sources').not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await checkPage();

  // A hashed asset: cached for good. index.html: never cached stale.
  const script = await page.locator('script[type="module"][src]').first().getAttribute('src');
  const asset = await http(new URL(script!, app).toString());
  expect(asset.status).toBe(200);
  expectCommon(asset.headers, `app ${script}`);
  expect(asset.headers['cache-control']).toContain('immutable');
  const index = await http(`${app}/bots`, { headers: { accept: 'text/html' } });
  expect(index.status, 'SPA fallback').toBe(200);
  expect(index.headers['cache-control']).toMatch(/no-cache|no-store|max-age=0/);
});

test('security headers are present on api.', async () => {
  const { app, api } = origins();
  const res = await http(`${api}/api/v1/health`, { headers: { origin: app } });
  expect(res.status).toBe(200);
  expectCommon(res.headers, 'api /api/v1/health');
  expect(res.headers['access-control-allow-origin'], 'CORS names the app only').toBe(app);
  expect(String(res.headers['content-type'])).toContain('application/json');

  const preflight = await http(`${api}/api/v1/bots`, {
    method: 'OPTIONS',
    headers: {
      origin: app,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization',
    },
  });
  expect(preflight.status).toBeLessThan(300);
  expect(preflight.headers['access-control-allow-origin']).toBe(app);
  expect(String(preflight.headers['access-control-allow-origin'])).not.toBe('*');

  const foreign = await http(`${api}/api/v1/health`, {
    headers: { origin: 'https://evil.example' },
  });
  expect(foreign.headers['access-control-allow-origin'], 'another origin is not allowed').not.toBe(
    'https://evil.example',
  );

  const unauthorized = await http(`${api}/api/v1/bots`);
  expect(unauthorized.status, 'no token: 401').toBe(401);
  expectCommon(unauthorized.headers, 'api 401');
  expect(String(unauthorized.headers['content-type'])).toContain('application/problem+json');
  expect(unauthorized.text(), 'no stack traces').not.toMatch(/\n\s+at /);

  const unknown = await http(`${api}/nowhere`);
  expect(unknown.status).toBe(404);
  expectCommon(unknown.headers, 'api 404');
});
