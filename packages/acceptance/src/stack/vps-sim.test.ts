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
import { loadManifest, repoRoot, requireImage } from '../harness/manifest.ts';
import {
  REGISTRY_HOST,
  REGISTRY_PORT,
  startVpsSimulator,
  type VpsSimulator,
} from '../harness/vps.ts';

const run = promisify(execFile);

/** Runs a repo script on the host as CI does; never throws on exit codes. */
async function runScript(script: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('bash', [script, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { exitCode: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

// Units of a test's own, so the tests don't depend on what deploy/systemd holds.
const PROBE_UNITS = {
  'bot-mox-probe.service':
    '[Unit]\nDescription=probe\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
  'bot-mox-probe.timer':
    '[Unit]\nDescription=probe\n[Timer]\nOnCalendar=weekly\n[Install]\nWantedBy=timers.target\n',
};

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
          'scripts/deploy-vps.sh',
          'scripts/rollback-vps.sh',
          'deploy/compose.stack.yml',
          'deploy/images.env',
          'deploy/compose.prod.env.example',
          'deploy/caddy/Caddyfile',
          'deploy/postgres',
        ],
        'release',
      );
      for (const [name, text] of Object.entries(PROBE_UNITS)) {
        const put = await sim.ssh(
          `mkdir -p release/deploy/systemd && cat > release/deploy/systemd/${name}`,
          {
            input: text,
          },
        );
        expect(put.exitCode, put.stderr).toBe(0);
      }
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
      // The simulator, like any container, has no systemd: the units are skipped, and it says so.
      expect(first.stdout).toMatch(
        /no systemd here .*skipped the units of deploy\/systemd: bot-mox-probe\.service bot-mox-probe\.timer/,
      );

      const second = await bootstrap();
      expect(second.exitCode, second.stderr).toBe(0);
      expect(second.stdout).not.toContain('changed:');
      expect(second.stdout).toContain('nothing changed');

      const local = await readFile(path.join(repoRoot, 'deploy/compose.stack.yml'), 'utf8');
      expect((await sim.ssh('cat /opt/bot-mox/compose.stack.yml')).stdout).toBe(local);
    });
  });

  describe('scripts/vps-remote.sh: what the deploy workflows run', () => {
    const remote = (args: string[], env: Record<string, string> = {}) =>
      runScript('scripts/vps-remote.sh', args, {
        ...sim.sshEnv(),
        VPS_USER: 'deploy',
        VPS_DEPLOY_PATH: '/opt/bot-mox',
        ...env,
      });

    it('copies scripts/ and deploy/ over SSH with the pinned host key and runs the script there', async () => {
      const result = await remote(['vps-bootstrap.sh']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toContain(
        'copying scripts/ and deploy/ to 127.0.0.1:/opt/bot-mox/release',
      );
      // The bootstrap above installed the same files: nothing to change.
      expect(result.stdout).toContain('[bootstrap] nothing changed');
      const listed = await sim.ssh(
        'test -f /opt/bot-mox/release/scripts/vps-bootstrap.sh && test -f /opt/bot-mox/release/deploy/compose.stack.yml && ls /opt/bot-mox/release/deploy',
      );
      expect(listed.exitCode, listed.stderr).toBe(0);
      expect(listed.stdout.split('\n')).not.toContain('airgap');
    });

    it('refuses another host key, and a tag that is no image tag before connecting', async () => {
      const other = await mkdtemp(path.join(tmpdir(), 'bot-mox-vps-test-'));
      try {
        await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(other, 'k')]);
        const [type, key] = (await readFile(path.join(other, 'k.pub'), 'utf8')).split(' ');
        const { VPS_PORT } = sim.sshEnv();
        const wrongHost = await remote(['vps-bootstrap.sh'], {
          VPS_KNOWN_HOSTS: `[127.0.0.1]:${VPS_PORT} ${type} ${key}`,
        });
        expect(wrongHost.exitCode).toBe(255);
        expect(wrongHost.stderr).toMatch(/host key verification failed/i);
      } finally {
        await rm(other, { recursive: true, force: true });
      }
      const injected = await remote(['deploy-vps.sh', 'sha-1;touch /tmp/pwned']);
      expect(injected.exitCode).toBe(2);
      expect(injected.stderr).toContain('is not an image tag');
      expect(injected.stdout).not.toContain('copying');
    });
  });

  describe('scripts/vps-bootstrap.sh as root on a fresh VPS', () => {
    // Another directory and user than the deploy user's, so this run starts from nothing.
    const dir = '/opt/bot-mox-fresh';
    const user = 'release2';
    const bootstrapAsRoot = async () => {
      const result = await sim.vps.exec(['bash', '/home/deploy/release/scripts/vps-bootstrap.sh'], {
        env: { BOT_MOX_DIR: dir, DEPLOY_USER: user },
      });
      return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    };
    const asRoot = async (script: string) => {
      const result = await sim.vps.exec(['sh', '-c', script]);
      expect(result.exitCode, result.output).toBe(0);
      return result.stdout;
    };

    afterAll(async () => {
      await sim.vps.exec([
        'sh',
        '-c',
        'rm -rf /run/systemd /usr/local/bin/systemctl /tmp/systemctl.log /etc/systemd/system/bot-mox-probe.*',
      ]);
    });

    it('keeps the engine and compose plugin it finds, creates the user and the directory, refuses without .env.prod', async () => {
      const first = await bootstrapAsRoot();
      expect(first.exitCode).toBe(1);
      expect(first.stdout).toMatch(/docker engine present/);
      expect(first.stdout).toMatch(/compose plugin present \(v?2\./);
      expect(first.stdout).not.toContain("installed Debian's docker.io");
      expect(first.stdout).toContain(`changed: created user ${user} (group docker)`);
      expect(first.stdout).toContain(`changed: created ${dir} owned by ${user}`);
      expect(first.stderr).toContain(`${dir}/.env.prod is missing`);
      expect((await asRoot(`id -nG ${user}`)).trim().split(' ')).toContain('docker');
      expect((await asRoot(`stat -c %U ${dir}`)).trim()).toBe(user);
    });

    it('installs and enables the systemd units where systemd runs, owns what it made, then changes nothing', async () => {
      // Stand-in systemd: /run/systemd/system marks a systemd boot; systemctl records its calls
      // and calls a timer enabled once `enable --now` was recorded for it.
      const stub = [
        '#!/bin/sh',
        'echo "$*" >>/tmp/systemctl.log',
        'case "$1" in is-enabled|is-active) grep -qx "enable --now $3" /tmp/systemctl.log ;; esac',
      ].join('\n');
      await asRoot(
        `mkdir -p /run/systemd/system /etc/systemd/system && printf '%s\\n' '${stub.replaceAll("'", "'\\''")}' >/usr/local/bin/systemctl && chmod 755 /usr/local/bin/systemctl`,
      );
      const envText = (
        await readFile(path.join(repoRoot, 'deploy/compose.prod.env.example'), 'utf8')
      ).replace(/^([A-Z][A-Z0-9_]*)=.*$/gm, (_, key: string) => {
        return `${key}=r-${randomBytes(6).toString('hex')}`;
      });
      // A person writes it as root; the bootstrap hands it to the deploy user.
      await asRoot(`printf '%s' '${envText.replaceAll("'", "'\\''")}' >${dir}/.env.prod`);

      const second = await bootstrapAsRoot();
      expect(second.exitCode, second.stderr).toBe(0);
      expect(second.stdout).not.toContain('created user');
      for (const name of Object.keys(PROBE_UNITS))
        expect(second.stdout).toContain(`changed: installed /etc/systemd/system/${name}`);
      expect(second.stdout).toContain('changed: enabled and started bot-mox-probe.timer');
      expect(second.stdout).toContain(`changed: ${dir}/.env.prod owned by ${user}`);
      expect(await asRoot('cat /tmp/systemctl.log')).toMatch(
        /daemon-reload\n(.*\n)*enable --now bot-mox-probe\.timer\n/,
      );
      const owners = await asRoot(
        `stat -c %U ${dir}/.env.prod ${dir}/compose.stack.yml ${dir}/backups ${dir}/caddy ${dir}/caddy/Caddyfile`,
      );
      expect(owners.trim().split('\n')).toEqual([user, user, user, user, user]);
      expect(await asRoot('cat /etc/systemd/system/bot-mox-probe.timer')).toBe(
        PROBE_UNITS['bot-mox-probe.timer'],
      );

      const third = await bootstrapAsRoot();
      expect(third.exitCode, third.stderr).toBe(0);
      expect(third.stdout).not.toContain('changed:');
      expect(third.stdout).toContain('nothing changed');
    });
  });

  describe('scripts/images-push.sh to the simulator registry', () => {
    const tag = `p-${randomBytes(4).toString('hex')}`;
    const localRef = `${loadManifest().REGISTRY}/bot-mox-ops:${tag}`;
    const push = (args: string[], env: Record<string, string> = {}) =>
      runScript('scripts/images-push.sh', args, {
        REGISTRY: `localhost:${sim.registry.getMappedPort(REGISTRY_PORT)}`,
        IMAGE_TAG: tag,
        ...env,
      });
    const registryTags = async (name: string) => {
      const port = sim.registry.getMappedPort(REGISTRY_PORT);
      const response = await fetch(`http://127.0.0.1:${port}/v2/${name}/tags/list`);
      return response.ok ? ((await response.json()) as { tags: string[] }).tags : [];
    };

    beforeAll(async () => {
      // A small image stands in for our ops image, under a tag of this run only.
      await run('docker', ['tag', await requireImage('DEBIAN_IMAGE'), localRef]);
    });
    afterAll(async () => {
      await run('docker', ['rmi', localRef]).catch(() => undefined);
    });

    it('pushes nothing when one of the images is not on this machine', async () => {
      const result = await push(['ops', 'backend']);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`bot-mox-backend:${tag} is not on this machine`);
      expect(result.stderr).toContain('nothing pushed');
      expect(await registryTags('bot-mox-ops')).not.toContain(tag);
    });

    it('pushes the built image by tag and its extra tag, one digest, and the VPS pulls it', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'bot-mox-push-'));
      try {
        const digests = path.join(dir, 'digests');
        const result = await push(['--also', `${tag}-latest`, 'ops'], { DIGESTS_FILE: digests });
        expect(result.exitCode, result.stderr).toBe(0);
        const lines = result.stdout.match(/pushed \S+@sha256:[0-9a-f]{64}/g) ?? [];
        expect(lines).toHaveLength(2);
        const digest = lines[0]!.split('@')[1]!;
        expect(lines[1]).toContain(`bot-mox-ops:${tag}-latest@${digest}`);
        expect((await readFile(digests, 'utf8')).trim().split('\n')).toEqual([
          `ops_repo=localhost:${sim.registry.getMappedPort(REGISTRY_PORT)}/bot-mox-ops`,
          `ops_digest=${digest}`,
        ]);
        expect(await registryTags('bot-mox-ops')).toEqual(
          expect.arrayContaining([tag, `${tag}-latest`]),
        );
        const ref = `${REGISTRY_HOST}/bot-mox-ops:${tag}-latest`;
        const pulled = await sim.ssh(
          `docker pull -q ${ref} >/dev/null && docker image inspect -f '{{json .RepoDigests}}' ${ref}`,
        );
        expect(pulled.exitCode, pulled.stderr).toBe(0);
        expect(pulled.stdout).toContain(digest);
        // The host keeps only the name images-build.sh gave, no tag naming this run's port.
        const { stdout: hostTags } = await run('docker', [
          'images',
          '--format',
          '{{.Repository}}:{{.Tag}}',
        ]);
        expect(hostTags).not.toMatch(new RegExp(`^localhost:\\d+/bot-mox-ops:${tag}`, 'm'));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('scripts/images-archive.sh: the tested images, from one CI job to the next', () => {
    const tag = `a-${randomBytes(4).toString('hex')}`;
    const refs = ['backend', 'frontend', 'ops'].map(
      (name) => `${loadManifest().REGISTRY}/bot-mox-${name}:${tag}`,
    );
    const archive = (mode: string, dir: string) =>
      runScript('scripts/images-archive.sh', [mode, dir], { IMAGE_TAG: tag });

    beforeAll(async () => {
      const image = await requireImage('DEBIAN_IMAGE');
      for (const ref of refs) await run('docker', ['tag', image, ref]);
    });
    afterAll(async () => {
      await run('docker', ['rmi', ...refs]).catch(() => undefined);
    });

    it('saves the images with their IDs, loads them back, and refuses an image whose ID differs', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'bot-mox-archive-'));
      try {
        const { stdout: id } = await run('docker', ['image', 'inspect', '-f', '{{.Id}}', refs[0]!]);
        const saved = await archive('save', dir);
        expect(saved.exitCode, saved.stderr).toBe(0);
        const ids = await readFile(path.join(dir, 'images.ids'), 'utf8');
        expect(ids.trim().split('\n')).toEqual(refs.map((ref) => `${ref} ${id.trim()}`));

        await run('docker', ['rmi', refs[2]!]);
        const loaded = await archive('load', dir);
        expect(loaded.exitCode, loaded.stderr).toBe(0);
        expect(loaded.stdout).toContain(`${refs[2]} is the tested ${id.trim()}`);

        // A record naming another image (as if a different build had been carried) is refused.
        const other = `sha256:${'0'.repeat(64)}`;
        await writeFile(path.join(dir, 'images.ids'), ids.replace(id.trim(), other));
        const refused = await archive('load', dir);
        expect(refused.exitCode).toBe(1);
        expect(refused.stderr).toContain(`${refs[0]} is ${id.trim()}, not the tested ${other}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
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
