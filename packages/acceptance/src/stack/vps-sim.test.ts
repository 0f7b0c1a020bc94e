// The VPS simulator (DESIGN §12) behaves like the production VPS the deploy scripts will meet:
// key-only SSH as `deploy` with a pinned host key, its own dockerd that pulls from the
// registry over plain HTTP, the compose v2 plugin, and images that survive a restart.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, requireImage } from '../harness/manifest.ts';
import { REGISTRY_HOST, startVpsSimulator, type VpsSimulator } from '../harness/vps.ts';

const run = promisify(execFile);

describe('VPS simulator: SSH, inner dockerd, registry', { timeout: 180_000 }, () => {
  let sim: VpsSimulator;
  let pushed: string;
  const repo = 'bot-mox-vps-sim/debian';
  const tag = `t-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    sim = await startVpsSimulator();
    console.log(`[vps-sim] cold start until SSH answered: ${sim.coldStartMs} ms`);
  }, 400_000);

  afterAll(async () => {
    await sim?.stop();
  });

  it('lets deploy in over SSH with the pinned host key, in group docker', async () => {
    const result = await sim.ssh('id -un; id -Gn');
    expect(result).toMatchObject({ exitCode: 0 });
    const [user, groups] = result.stdout.trim().split('\n');
    expect(user).toBe('deploy');
    expect(groups?.split(' ')).toContain('docker');
  });

  it('refuses a host key other than the pinned one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bot-mox-vps-test-'));
    try {
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'other')]);
      const [type, key] = (await readFile(path.join(dir, 'other.pub'), 'utf8')).split(' ');
      const port = sim.vps.getMappedPort(22);
      await writeFile(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${type} ${key}\n`);
      const result = await sim.ssh('true', {
        options: [`UserKnownHostsFile=${path.join(dir, 'known_hosts')}`],
      });
      expect(result.exitCode).toBe(255);
      expect(result.stderr).toMatch(/host key verification failed/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses root even with an authorized key, and offers no password login', async () => {
    // Give root the same key: only PermitRootLogin no can refuse it now.
    const copied = await sim.vps.exec([
      'sh',
      '-c',
      'install -d -m 700 /root/.ssh && install -m 600 /home/deploy/.ssh/authorized_keys /root/.ssh/',
    ]);
    expect(copied.exitCode).toBe(0);
    const root = await sim.ssh('true', { user: 'root' });
    expect(root.exitCode).toBe(255);
    expect(root.stderr).toMatch(/permission denied/i);

    const password = await sim.ssh('true', {
      options: [
        'PubkeyAuthentication=no',
        'PreferredAuthentications=password,keyboard-interactive',
      ],
    });
    expect(password.exitCode).toBe(255);
    // The server offers public keys only.
    expect(password.stderr).toMatch(/permission denied \(publickey\)/i);
  });

  it('runs its own dockerd on overlay2 that trusts the registry over plain HTTP', async () => {
    const info = await sim.ssh(
      "docker info --format '{{.Driver}} {{json .RegistryConfig.IndexConfigs}}'",
    );
    expect(info.exitCode, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/^overlay2 /);
    expect(JSON.parse(info.stdout.replace(/^overlay2 /, ''))).toHaveProperty([REGISTRY_HOST]);
  });

  it('has the compose v2 plugin', async () => {
    const result = await sim.ssh('docker compose version --short');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^v?2\.\d+\.\d+/);
  });

  it('pulls an image pushed from the host from registry:5000 and runs it', async () => {
    pushed = await sim.pushImage(await requireImage('DEBIAN_IMAGE'), repo, tag);
    expect(pushed).toBe(`${REGISTRY_HOST}/${repo}:${tag}`);
    const result = await sim.ssh(
      `docker pull -q ${pushed} && docker run --rm ${pushed} cat /etc/debian_version`,
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^12\.\d+$/m);
  });

  it('fails a pull of a missing tag with a clear error', async () => {
    const result = await sim.ssh(`docker pull ${REGISTRY_HOST}/${repo}:no-such-tag`);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/manifest unknown|not found/i);
  });

  describe('scripts/vps-bootstrap.sh over SSH', () => {
    const envFile = '/opt/bot-mox/.env.prod';
    const bootstrap = () => sim.ssh('bash release/scripts/vps-bootstrap.sh');
    const writeEnv = (text: string) => sim.ssh(`cat > ${envFile}`, { input: text });
    const example = () => readFile(path.join(repoRoot, 'deploy/compose.prod.env.example'), 'utf8');
    /** The example with every value replaced: a complete .env.prod without placeholders. */
    const validEnv = async () =>
      (await example()).replace(/^([A-Z][A-Z0-9_]*)=.*$/gm, (_, key: string) => {
        return `${key}=v-${randomBytes(6).toString('hex')}`;
      });

    beforeAll(async () => {
      // What a person does once, as root: /opt/bot-mox owned by deploy.
      const made = await sim.vps.exec([
        'install',
        '-d',
        '-o',
        'deploy',
        '-g',
        'deploy',
        '/opt/bot-mox',
      ]);
      expect(made.exitCode).toBe(0);
      await sim.upload(
        repoRoot,
        [
          'scripts/vps-bootstrap.sh',
          'deploy/compose.stack.yml',
          'deploy/images.env',
          'deploy/compose.prod.env.example',
          'deploy/caddy/Caddyfile',
        ],
        'release',
      );
    });

    it('refuses a missing .env.prod, a placeholder or a missing key, and changes nothing', async () => {
      const missing = await bootstrap();
      expect(missing.exitCode).toBe(1);
      expect(missing.stderr).toContain(`${envFile} is missing`);

      expect((await writeEnv(await example())).exitCode).toBe(0);
      const placeholders = await bootstrap();
      expect(placeholders.exitCode).toBe(1);
      expect(placeholders.stderr).toContain(
        "POSTGRES_PASSWORD still has the example's placeholder",
      );
      expect(placeholders.stderr).toContain("IMAGE_TAG still has the example's placeholder");
      // A production default kept as in the example is no placeholder.
      expect(placeholders.stderr).not.toContain('STACK_HTTP_PORT');

      const withoutBucket = (await validEnv()).replace(/^S3_BUCKET_ARTIFACTS=.*\n/m, '');
      expect((await writeEnv(withoutBucket)).exitCode).toBe(0);
      const missingKey = await bootstrap();
      expect(missingKey.exitCode).toBe(1);
      expect(missingKey.stderr).toContain('S3_BUCKET_ARTIFACTS is missing');
      expect(missingKey.stderr).not.toContain('placeholder');

      expect((await sim.ssh('ls -A /opt/bot-mox')).stdout.trim()).toBe('.env.prod');
    });

    it('prepares /opt/bot-mox, and a second run changes nothing', async () => {
      expect((await writeEnv(await validEnv())).exitCode).toBe(0);
      const first = await bootstrap();
      expect(first.exitCode, first.stderr).toBe(0);
      expect(first.stdout).toContain('changed: created /opt/bot-mox/backups');
      expect(first.stdout).toContain('changed: installed /opt/bot-mox/compose.stack.yml');
      expect(first.stdout).toContain(`changed: ${envFile} mode 600`);

      const second = await bootstrap();
      expect(second.exitCode, second.stderr).toBe(0);
      expect(second.stdout).not.toContain('changed:');
      expect(second.stdout).toContain('nothing changed');

      const local = await readFile(path.join(repoRoot, 'deploy/compose.stack.yml'), 'utf8');
      expect((await sim.ssh('cat /opt/bot-mox/compose.stack.yml')).stdout).toBe(local);
    });
  });

  it('keeps the pulled image across a restart of the VPS container', async () => {
    expect(pushed).toBeDefined();
    // PID 1's start time (field 22 of /proc/1/stat) shows that the container really restarted.
    const pid1Started = async () => (await sim.ssh("cut -d' ' -f22 /proc/1/stat")).stdout.trim();
    const startedBefore = await pid1Started();
    expect(startedBefore).toMatch(/^\d+$/);
    await sim.restartVps();
    const after = await sim.ssh(`docker run --rm --pull never ${pushed} true && echo ran`);
    expect(after.exitCode, after.stderr).toBe(0);
    expect(after.stdout.trim()).toBe('ran');
    expect(await pid1Started()).not.toBe(startedBefore);
  }, 300_000);
});
