// The browser: Debian's chromium where it is installed (DESIGN §8), Playwright's own elsewhere,
// and the trust store that makes it accept Caddy's internal CA.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LaunchOptions } from '@playwright/test';
import { BROWSER_HOME, NSS_DB, STATE_DIR } from './env';

/** PLAYWRIGHT_CHROMIUM_EXECUTABLE, else /usr/bin/chromium, else Playwright's bundled browser. */
export function chromiumExecutable(): string | undefined {
  const fromEnv = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE;
  if (fromEnv) return fromEnv;
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function launchOptions(): LaunchOptions {
  const executablePath = chromiumExecutable();
  return {
    ...(executablePath ? { executablePath } : {}),
    args: [
      // Chromium's sandbox needs user namespaces it doesn't get as root in a container.
      ...(isRoot ? ['--no-sandbox'] : []),
      // Keep the browser off the internet (DESIGN §8 network rule).
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-sync',
    ],
    // Chromium on Linux reads its certificate trust from $HOME/.pki/nssdb: a HOME of our own
    // holds an NSS db with Caddy's root (see trustRootInNss), and nothing else of the user's.
    env: { ...process.env, HOME: BROWSER_HOME } as Record<string, string>,
  };
}

/** Makes a fresh NSS db in BROWSER_HOME that trusts `rootCert` to issue TLS server certs. */
export function trustRootInNss(rootCert: string): void {
  rmSync(NSS_DB, { recursive: true, force: true });
  mkdirSync(NSS_DB, { recursive: true });
  const db = `sql:${NSS_DB}`;
  try {
    execFileSync('certutil', ['-N', '-d', db, '--empty-password'], { stdio: 'pipe' });
    execFileSync(
      'certutil',
      ['-A', '-d', db, '-n', 'bot-mox prod-sim (Caddy local CA)', '-t', 'C,,', '-i', rootCert],
      {
        stdio: 'pipe',
      },
    );
  } catch (error) {
    const e = error as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') {
      throw new Error(
        'certutil is missing: run scripts/setup-chromium.sh (installs libnss3-tools)',
        { cause: error },
      );
    }
    throw new Error(`certutil failed: ${e.stderr?.toString() ?? String(error)}`, { cause: error });
  }
}

const DEBIAN_FFMPEG = '/usr/bin/ffmpeg';

/**
 * Videos of failing tests need an ffmpeg. Playwright would download its own build; where we run
 * Debian's chromium we give it Debian's ffmpeg instead (scripts/setup-chromium.sh installs it):
 * a registry directory of our own (PLAYWRIGHT_BROWSERS_PATH, set by the global setup before the
 * workers start) with `ffmpeg-<revision>/ffmpeg-linux` linked to it. Browsers are not looked up
 * there (executablePath is set).
 */
export function videoSupported(): boolean {
  if (!chromiumExecutable()) return true; // Playwright's own browsers, its own ffmpeg
  return existsSync(DEBIAN_FFMPEG);
}

export function linkDebianFfmpeg(): string | undefined {
  if (!chromiumExecutable() || !existsSync(DEBIAN_FFMPEG) || process.env.PLAYWRIGHT_BROWSERS_PATH)
    return undefined;
  const require = createRequire(import.meta.url);
  const playwright = dirname(
    require.resolve('playwright/package.json', {
      paths: [dirname(require.resolve('@playwright/test/package.json'))],
    }),
  );
  const core = dirname(require.resolve('playwright-core/package.json', { paths: [playwright] }));
  const browsersJson = join(core, 'browsers.json');
  const { browsers } = JSON.parse(readFileSync(browsersJson, 'utf8')) as {
    browsers: { name: string; revision: string }[];
  };
  const revision = browsers.find((b) => b.name === 'ffmpeg')?.revision;
  if (!revision) return undefined;
  const registry = join(STATE_DIR, 'ms-playwright');
  const link = join(registry, `ffmpeg-${revision}`, 'ffmpeg-linux');
  if (!existsSync(link)) {
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(DEBIAN_FFMPEG, link);
  }
  return registry;
}
