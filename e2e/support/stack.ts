// prod-sim from the e2e side: the repository's own scripts do the work (scripts/lib/prod-sim.sh,
// scripts/stack-prod-sim-up.sh and -down.sh), so `pnpm e2e` runs what a person runs.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { REPO } from './env';
import { http } from './http';

/** --airgap (stand-in images built here) unless E2E_AIRGAP=0: this project's CI reaches no registry. */
export const airgap = () => process.env.E2E_AIRGAP !== '0';

function bash(script: string, { quiet = false } = {}) {
  const env = { ...process.env };
  if (airgap()) env.IMAGES_OVERRIDE ??= 'deploy/images.airgap.env';
  const res = spawnSync('bash', ['-c', script], {
    cwd: REPO,
    env,
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  return { ok: res.status === 0, stdout: res.stdout ?? '', stderr: res.stderr ?? '' };
}

/** `docker compose` for prod-sim's project, with the env files the scripts use. */
export function compose(args: string, opts: { quiet?: boolean } = {}) {
  return bash(
    `set -e; . scripts/lib/prod-sim.sh 2>/dev/null; ensure_prod_sim_env >/dev/null; stack_compose ${args}`,
    opts,
  );
}

/** Copies Caddy's internal root out of its data volume; false when there is no caddy. */
export function copyCaddyRoot(dest: string): boolean {
  return compose(`cp caddy:/data/caddy/pki/authorities/local/root.crt '${dest}'`, { quiet: true })
    .ok;
}

export function stackUp(): void {
  const args = airgap() ? ' --airgap' : '';
  const res = bash(`bash scripts/stack-prod-sim-up.sh${args}`);
  if (!res.ok) throw new Error(`scripts/stack-prod-sim-up.sh${args} failed (its output is above)`);
}

export function stackDown(): void {
  // E2E_DOWN_VOLUMES=1 (scripts/test-all.sh): the run's own project leaves no data behind.
  const args =
    (airgap() ? ' --airgap' : '') + (process.env.E2E_DOWN_VOLUMES === '1' ? ' --volumes' : '');
  const res = bash(`bash scripts/stack-prod-sim-down.sh${args}`);
  if (!res.ok) console.error('[e2e] scripts/stack-prod-sim-down.sh failed (its output is above)');
}

export async function isReady(apiOrigin: string, ca?: string): Promise<boolean> {
  try {
    const res = await http(`${apiOrigin}/api/v1/health/ready`, {
      timeoutMs: 5000,
      ...(ca ? { ca } : {}),
    });
    return res.status === 200;
  } catch {
    return false;
  }
}

export async function waitReady(apiOrigin: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await http(`${apiOrigin}/api/v1/health/ready`, { timeoutMs: 5000 });
      if (res.status === 200) return;
      last = `HTTP ${res.status} ${res.text().slice(0, 300)}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`prod-sim did not become ready in ${timeoutMs / 1000} s: ${last}`);
}

/** True when nothing listens on 127.0.0.1:<port> (so the stack may take it). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
