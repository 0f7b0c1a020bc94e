// Before any spec: prod-sim up (or reused when already ready), Caddy's root trusted by the
// browser, known data seeded through the API, and a signed-in browser session stored.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { endpoints } from '@bot-mox/contracts';
import { chromium, type Page } from '@playwright/test';
import { launchOptions, linkDebianFfmpeg, trustRootInNss } from './support/browser';
import {
  REPO,
  ROOT_CERT,
  RUN_STATE,
  SEED_FILE,
  STATE_DIR,
  STORAGE_STATE,
  origins,
  prodSimEnv,
  type RunState,
} from './support/env';
import { api, http, resetCa } from './support/http';
import { backendApi } from './support/backend';
import { serviceToken } from './support/jwt';
import { resetAndSeed } from './support/seed';
import { compose, copyCaddyRoot, isReady, portFree, stackUp, waitReady } from './support/stack';

const log = (message: string) => console.log(`[e2e] ${message}`);
const E2E_EMAIL = 'e2e-operator@bot-mox.local';

/** The port of a running prod-sim's Caddy, if one runs. */
function runningPort(): number | undefined {
  const res = compose('port caddy 443', { quiet: true });
  const m = /:(\d+)\s*$/.exec(res.stdout.trim());
  return res.ok && m ? Number(m[1]) : undefined;
}

async function choosePort(): Promise<number> {
  if (process.env.STACK_HTTPS_PORT_OVERRIDE) return Number(process.env.STACK_HTTPS_PORT_OVERRIDE);
  const running = runningPort();
  if (running) return running;
  if (await portFree(443)) return 443;
  log('port 443 is taken by something else: using 8443 (set STACK_HTTPS_PORT_OVERRIDE to choose)');
  return 8443;
}

async function signInThroughLoginPage(app: string, apiOrigin: string): Promise<void> {
  // GoTrue's admin API with a service_role token: make sure the e2e user exists with a known password.
  const password = `e2e-${prodSimEnv().SUPABASE_JWT_SECRET!.slice(0, 16)}`;
  const token = await serviceToken();
  const created = await http(`${apiOrigin}/auth/v1/admin/users`, {
    method: 'POST',
    token,
    body: { email: E2E_EMAIL, password, email_confirm: true },
  });
  if (created.status === 422 || created.status === 409) {
    const { users } = await api<{ users: { id: string; email: string }[] }>(
      `${apiOrigin}/auth/v1/admin/users?per_page=1000`,
      { token },
    );
    const user = users.find((u) => u.email === E2E_EMAIL);
    if (!user) throw new Error(`GoTrue says ${E2E_EMAIL} exists but does not list it`);
    await api(`${apiOrigin}/auth/v1/admin/users/${user.id}`, {
      method: 'PUT',
      token,
      body: { password },
    });
  } else if (created.status >= 300) {
    throw new Error(
      `GoTrue admin: creating ${E2E_EMAIL} gave HTTP ${created.status} ${created.text()}`,
    );
  }
  await withPage(async (page) => {
    await page.goto(`${app}/login`);
    await page.getByLabel('E-mail').fill(E2E_EMAIL);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  });
}

async function signInWithMintedSession(app: string): Promise<void> {
  // The sign-in link the up script prints: a session minted with prod-sim's JWT secret in the
  // URL fragment, which the frontend moves into its session storage.
  const link = execFileSync(
    process.execPath,
    [
      '--conditions=@bot-mox/source',
      'scripts/prod-sim/mint-session.mjs',
      app,
      'operator@bot-mox.local',
    ],
    {
      cwd: REPO,
      encoding: 'utf8',
    },
  ).trim();
  await withPage(async (page) => {
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    if (new URL(page.url()).hash) throw new Error('the app left the credential in the address bar');
  });
}

async function withPage(fn: (page: Page) => Promise<void>) {
  const browser = await chromium.launch(launchOptions());
  try {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const page = await context.newPage();
    await fn(page);
    await context.storageState({ path: STORAGE_STATE });
  } finally {
    await browser.close();
  }
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  mkdirSync(STATE_DIR, { recursive: true });
  rmSync(STORAGE_STATE, { force: true });
  rmSync(RUN_STATE, { force: true });

  const port = await choosePort();
  process.env.STACK_HTTPS_PORT_OVERRIDE = String(port); // read by the up script and the workers
  const { app, api: apiOrigin } = origins(port);

  let startedStack = false;
  const reusable = copyCaddyRoot(ROOT_CERT) && (resetCa(), await isReady(apiOrigin));
  if (reusable) {
    log(`prod-sim already ready on ${apiOrigin}: reusing it (the teardown leaves it running)`);
  } else {
    log(`bringing prod-sim up on port ${port} (scripts/stack-prod-sim-up.sh)`);
    stackUp();
    startedStack = true;
    // Written now so that the teardown stops the stack even if a later step fails.
    writeFileSync(
      RUN_STATE,
      JSON.stringify({ startedStack, port, signIn: 'minted-session', imageTag: '?' }),
    );
    if (!copyCaddyRoot(ROOT_CERT))
      throw new Error("could not copy Caddy's root certificate out of the caddy container");
    resetCa();
    await waitReady(apiOrigin, 90_000);
  }
  // Node-side HTTPS in the workers (Playwright's request fixture) trusts the same root.
  process.env.NODE_EXTRA_CA_CERTS = ROOT_CERT;
  trustRootInNss(ROOT_CERT);
  log(`browser trust: Caddy's root in an NSS db under .cache/e2e/browser-home (certutil)`);
  const registry = linkDebianFfmpeg();
  if (registry) process.env.PLAYWRIGHT_BROWSERS_PATH = registry; // the workers record videos with Debian's ffmpeg

  const api = backendApi(apiOrigin);
  const health = await api.call(endpoints.health);
  const facts = await resetAndSeed(api);
  writeFileSync(SEED_FILE, JSON.stringify(facts, null, 2));
  log(`seeded: ${facts.botsTotal} bots, 6 operations, 4 resources, 2 tasks`);

  const authAnswers =
    (await http(`${apiOrigin}/auth/v1/health`).catch(() => undefined))?.status === 200;
  let signIn: RunState['signIn'];
  if (authAnswers) {
    await signInThroughLoginPage(app, apiOrigin);
    signIn = 'login-page';
  } else {
    await signInWithMintedSession(app);
    signIn = 'minted-session';
  }
  log(
    signIn === 'login-page'
      ? 'sign-in: through the login page (Supabase Auth answers at /auth/v1)'
      : 'sign-in: offline prod-sim, no Supabase Auth: the minted sign-in link (scripts/prod-sim/mint-session.mjs)',
  );

  const state: RunState = { startedStack, port, signIn, imageTag: health.image_tag };
  writeFileSync(RUN_STATE, JSON.stringify(state, null, 2));
  log(
    `ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${app} (images ${health.image_tag})`,
  );
}
