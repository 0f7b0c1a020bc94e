// The VPS simulator (DESIGN §12): a user-defined network with the registry (alias `registry`,
// port 5000) and one Debian "VPS" running sshd and its own dockerd. Tests reach the VPS only
// as the workflows do: over real SSH as `deploy`, with a key made for this run and the VPS's
// host key pinned (strict host key checking on).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  GenericContainer,
  Network,
  type StartedNetwork,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { requireImage } from './manifest.ts';

const run = promisify(execFile);

export const REGISTRY_PORT = 5000;
/** The registry as the VPS's dockerd sees it (listed in its insecure-registries). */
export const REGISTRY_HOST = `registry:${REGISTRY_PORT}`;
const SSH_PORT = 22;
const LABELS = { 'org.bot-mox.suite': 'acceptance' };

export interface SshResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface SshOptions {
  /** Remote user (default `deploy`). */
  user?: string;
  /** `ssh -o` options that override the defaults, e.g. to try a password login. */
  options?: string[];
  /** Sent to the remote command's stdin. */
  input?: string | Buffer;
}

export interface VpsSimulator {
  network: StartedNetwork;
  registry: StartedTestContainer;
  vps: StartedTestContainer;
  /** Milliseconds from starting the VPS container until a command over SSH answered. */
  coldStartMs: number;
  /** What a workflow's secrets hold for this VPS (scripts/vps-remote.sh's env), host 127.0.0.1. */
  sshEnv(): { VPS_HOST: string; VPS_PORT: string; VPS_SSH_KEY: string; VPS_KNOWN_HOSTS: string };
  /** Runs `cmd` on the VPS over SSH (as `deploy` unless told otherwise); never throws on exit codes. */
  ssh(cmd: string, options?: SshOptions): Promise<SshResult>;
  /** Copies files (paths relative to `localRoot`) into `remoteDir` (relative to ~deploy) over SSH. */
  upload(localRoot: string, paths: string[], remoteDir: string): Promise<void>;
  /** Pushes a host image to the registry; returns its name as the VPS pulls it. */
  pushImage(localRef: string, name: string, tag: string): Promise<string>;
  /** Restarts the VPS container (its /var/lib/docker volume stays) and waits for SSH again. */
  restartVps(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The capabilities that replace `--privileged` (which fails on these machines, DESIGN §12):
 * all capabilities but SYS_RESOURCE, no seccomp/apparmor, writable system paths, a private
 * cgroup namespace and every device allowed. /var/lib/docker is a volume (the image's VOLUME).
 */
class VpsContainer extends GenericContainer {
  constructor(image: string) {
    super(image);
    this.withAddedCapabilities('ALL')
      .withDroppedCapabilities('SYS_RESOURCE')
      .withSecurityOpt('seccomp=unconfined', 'apparmor=unconfined');
    // `--security-opt systempaths=unconfined` is CLI-only: the Engine API takes empty masked
    // and read-only path lists. dockerode's HostConfig type lacks CgroupnsMode (API >= 1.41).
    Object.assign(this.hostConfig, {
      MaskedPaths: [],
      ReadonlyPaths: [],
      CgroupnsMode: 'private',
      DeviceCgroupRules: ['a *:* rwm'],
    });
  }
}

function sshCommandResult(error: unknown): SshResult {
  const e = error as { code?: unknown; stdout?: string; stderr?: string };
  if (typeof e.code !== 'number') throw error;
  return { exitCode: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
}

export async function startVpsSimulator(): Promise<VpsSimulator> {
  const [registryImage, vpsImage] = await Promise.all([
    requireImage('CONTAINER_REGISTRY_IMAGE'),
    requireImage('VPS_SIM_IMAGE'),
  ]);
  const dir = await mkdtemp(path.join(tmpdir(), 'bot-mox-vps-'));
  const keyFile = path.join(dir, 'id_ed25519');
  const knownHosts = path.join(dir, 'known_hosts');
  // A key for this run only, in a temp dir removed by stop().
  await run('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'bot-mox-vps-sim',
    '-f',
    keyFile,
  ]);
  const publicKey = (await readFile(`${keyFile}.pub`, 'utf8')).trim();

  const network = await new Network().start();
  const vpsStart = Date.now();
  const starting: [Promise<StartedTestContainer>, Promise<StartedTestContainer>] = [
    new GenericContainer(registryImage)
      .withNetwork(network)
      .withNetworkAliases('registry')
      .withExposedPorts(REGISTRY_PORT)
      .withLabels(LABELS)
      .withWaitStrategy(Wait.forHttp('/v2/', REGISTRY_PORT))
      .withStartupTimeout(180_000)
      .start(),
    new VpsContainer(vpsImage)
      .withNetwork(network)
      .withExposedPorts(SSH_PORT)
      .withEnvironment({ AUTHORIZED_KEY: publicKey })
      .withLabels(LABELS)
      .withWaitStrategy(Wait.forLogMessage(/Server listening on .* port 22/))
      .withStartupTimeout(180_000)
      .start(),
  ];
  // Waits for both starts even when one fails, so that a failed start leaves nothing behind.
  const cleanUp = async () => {
    const settled = await Promise.allSettled(starting);
    await Promise.allSettled(
      settled.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)),
    );
    await network.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const [registry, vps] = await Promise.all(starting);

    // Pin the host key read from inside the container, so that ssh checks it strictly.
    const pinHostKey = async () => {
      const { output, exitCode } = await vps.exec(['cat', '/etc/ssh/ssh_host_ed25519_key.pub']);
      if (exitCode !== 0) throw new Error(`cannot read the VPS host key: ${output}`);
      const [type, key] = output.trim().split(/\s+/);
      await writeFile(knownHosts, `[127.0.0.1]:${vps.getMappedPort(SSH_PORT)} ${type} ${key}\n`);
    };

    const ssh = async (cmd: string, options: SshOptions = {}): Promise<SshResult> => {
      const args = [
        // First: ssh keeps the first value of each option, so these override the defaults.
        ...(options.options ?? []).flatMap((o) => ['-o', o]),
        ...['-i', keyFile, '-p', String(vps.getMappedPort(SSH_PORT))],
        ...['-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20'],
        ...['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`],
        ...['-o', 'HostKeyAlgorithms=ssh-ed25519', '-o', 'LogLevel=ERROR'],
        `${options.user ?? 'deploy'}@127.0.0.1`,
        cmd,
      ];
      const child = run('ssh', args, { maxBuffer: 64 * 1024 * 1024 });
      if (options.input !== undefined) child.child.stdin?.end(options.input);
      else child.child.stdin?.end();
      try {
        const { stdout, stderr } = await child;
        return { exitCode: 0, stdout, stderr };
      } catch (error) {
        return sshCommandResult(error);
      }
    };

    const waitForSsh = async () => {
      await pinHostKey();
      const deadline = Date.now() + 60_000;
      for (;;) {
        const result = await ssh('true');
        if (result.exitCode === 0) return;
        if (Date.now() > deadline)
          throw new Error(`SSH to the VPS never answered: ${result.stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    await waitForSsh();
    const coldStartMs = Date.now() - vpsStart;

    return {
      network,
      registry,
      vps,
      coldStartMs,
      sshEnv: () => ({
        VPS_HOST: '127.0.0.1',
        VPS_PORT: String(vps.getMappedPort(SSH_PORT)),
        VPS_SSH_KEY: readFileSync(keyFile, 'utf8'),
        VPS_KNOWN_HOSTS: readFileSync(knownHosts, 'utf8'),
      }),
      ssh,
      pushImage: async (localRef, name, tag) => {
        // The host daemon pushes to a localhost registry over plain HTTP (DESIGN §12).
        const hostRef = `localhost:${registry.getMappedPort(REGISTRY_PORT)}/${name}:${tag}`;
        await run('docker', ['tag', localRef, hostRef]);
        try {
          await run('docker', ['push', '--quiet', hostRef]);
        } finally {
          // The host keeps no tag that names this run's random port.
          await run('docker', ['rmi', hostRef]).catch(() => undefined);
        }
        return `${REGISTRY_HOST}/${name}:${tag}`;
      },
      upload: async (localRoot, paths, remoteDir) => {
        const { stdout: archive } = await run('tar', ['-C', localRoot, '-c', ...paths], {
          encoding: 'buffer',
          maxBuffer: 64 * 1024 * 1024,
        });
        const dest = `'${remoteDir.replaceAll("'", "'\\''")}'`;
        const result = await ssh(`mkdir -p ${dest} && tar -C ${dest} -x`, { input: archive });
        if (result.exitCode !== 0)
          throw new Error(`upload to ${remoteDir} failed: ${result.stderr}`);
      },
      restartVps: async () => {
        await vps.restart({ timeout: 30_000 });
        await waitForSsh();
      },
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
