// A release rehearsal on the VPS simulator (DESIGN §12, §14), shared by the deploy spec and
// pnpm bench:deploy: the registry holds our images under several tags, the VPS is bootstrapped
// over SSH as the workflows do it, and deploys and rollbacks run scripts/deploy-vps.sh and
// scripts/rollback-vps.sh there over SSH. The VPS's dockerd pulls only from the registry.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { mintJwt } from '@bot-mox/backend/test-support';
import { ApiClient } from '@bot-mox/contracts/client';
import { Agent, fetch as undiciFetch, type RequestInit, type Response } from 'undici';
import { loadManifest, repoRoot } from './manifest.ts';
import { imageTagUnderTest, STACK_DOMAIN } from './stack.ts';
import { startSteadyLoad, type SteadyLoad } from './steady-load.ts';
import { REGISTRY_HOST, startVpsSimulator, type SshResult, type VpsSimulator } from './vps.ts';

const run = promisify(execFile);
const BOT_MOX_DIR = '/opt/bot-mox';
/** An expand-only migration that tag B ships and A does not know: A must keep working on it. */
export const B_MIGRATION = '20991231000000_deploy_rehearsal.sql';

/** The tags the rehearsal pushes: A is our images as built, the others are derived from them. */
export interface RehearsalTags {
  /** Our images as built (IMAGE_TAG, else sha-<HEAD>). */
  a: string;
  /** A with its own IMAGE_TAG (so /api/v1/health reports B) and one expand-only migration. */
  b: string;
  /** A backend whose health reports another tag: it starts healthy and fails the smoke. */
  badSmoke: string;
  /** A backend shipping a migration that fails. */
  badMigration: string;
  /** Never pushed. */
  missing: string;
}

/** One line of /opt/bot-mox/releases.jsonl. */
export interface ReleaseLine {
  time: string;
  actor: string;
  kind: 'deploy' | 'rollback';
  tag: string;
  previous_tag: string;
  result: 'ok' | 'failed' | 'rolled_back' | 'refused';
  failed_step: string;
  message: string;
  seconds: Record<string, number>;
  digests: Record<string, string>;
  /** What the backup step took: a restore point in the streamed WAL, or a dump (and why). */
  backup: {
    kind?: 'restore_point' | 'dump';
    name?: string;
    lsn?: string;
    file?: string;
    why?: string;
  };
}

export interface DeployRehearsal {
  sim: VpsSimulator;
  tags: RehearsalTags;
  /** `scripts/deploy-vps.sh <args>` over SSH from /opt/bot-mox. */
  deploy(...args: string[]): Promise<SshResult>;
  /** `scripts/rollback-vps.sh <args>` over SSH from /opt/bot-mox. */
  rollback(...args: string[]): Promise<SshResult>;
  /** docker compose on the VPS with the release's files, as a person would type it there. */
  compose(args: string): Promise<SshResult>;
  releases(): Promise<ReleaseLine[]>;
  /** `ops basebackup` in the running backup service, as an operator would run it after the first
   * deploy: pre-deploy restore points need a base backup older than them. */
  baseBackup(): Promise<SshResult>;
  /** https://<host>.localhost/<path>, answered by the VPS's Caddy (needs a deployed Caddy). */
  url(host: 'app' | 'api', pathAndQuery?: string): string;
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** The typed API client through the VPS's Caddy, signed in with `token`. */
  api(token: string): ApiClient;
  /** The image_tag that /api/v1/health reports through Caddy. */
  liveTag(): Promise<string>;
  mintToken(): Promise<string>;
  stop(): Promise<void>;
}

async function docker(args: string[], input?: string): Promise<string> {
  const child = run('docker', args, { maxBuffer: 1 << 24 });
  child.child.stdin?.end(input);
  return (await child).stdout;
}

/** Builds <to> from the local image <from> plus Dockerfile lines (no context, no pull). */
async function derive(from: string, to: string, lines: string[]): Promise<void> {
  await docker(['build', '-q', '-t', to, '-'], [`FROM ${from}`, ...lines].join('\n'));
}

/** A local image as a registry path and tag: bot-mox-airgap/caddy:2.6.2 -> [that path, 2.6.2]. */
function splitRef(ref: string): [string, string] {
  const at = ref.lastIndexOf(':');
  return [ref.slice(0, at), ref.slice(at + 1)];
}

export async function startDeployRehearsal(): Promise<DeployRehearsal> {
  const manifest = loadManifest();
  const a = await imageTagUnderTest();
  const run4 = randomBytes(3).toString('hex');
  const tags: RehearsalTags = {
    a,
    b: `${a}-b${run4}`,
    badSmoke: `${a}-smoke${run4}`,
    badMigration: `${a}-mig${run4}`,
    missing: `${a}-missing${run4}`,
  };
  const ours = (name: string, tag = a) => `${manifest.REGISTRY}/bot-mox-${name}:${tag}`;
  const derived = (tag: string) => `bot-mox-deploy-rehearsal/backend:${tag}`;
  const migration = (file: string, sql: string) => [
    'USER root',
    `RUN printf '%s\\n' '${sql}' > /app/migrations/${file}`,
    'USER node',
  ];
  await Promise.all([
    derive(ours('backend'), derived(tags.b), [
      `ENV IMAGE_TAG=${tags.b}`,
      ...migration(B_MIGRATION, 'alter table public.bots add column if not exists rehearsal text;'),
    ]),
    derive(ours('backend'), derived(tags.badSmoke), [`ENV IMAGE_TAG=${a}-not-this-one`]),
    derive(ours('backend'), derived(tags.badMigration), [
      `ENV IMAGE_TAG=${tags.badMigration}`,
      ...migration('20991231000001_fails.sql', 'select * from public.no_such_table;'),
    ]),
  ]);

  const sim = await startVpsSimulator();
  const secrets = {
    POSTGRES_PASSWORD: randomBytes(18).toString('hex'),
    BACKUP_DB_PASSWORD: randomBytes(18).toString('hex'),
    SUPABASE_JWT_SECRET: randomBytes(32).toString('hex'),
    S3_ACCESS_KEY: `AK${randomBytes(9).toString('hex').toUpperCase()}`,
    S3_SECRET_KEY: randomBytes(18).toString('hex'),
  };
  let dispatcher: Agent | undefined;
  const cleanUp = async () => {
    await dispatcher?.close();
    await sim.stop();
    await docker(['rmi', ...[tags.b, tags.badSmoke, tags.badMigration].map(derived)]).catch(
      () => '',
    );
  };

  try {
    // Everything the VPS runs comes from the registry: ours under every tag, the third-party
    // images under their own paths. Pushes of the same layers after the first are cheap.
    const thirdParty = ['CADDY_IMAGE', 'POSTGRES_IMAGE', 'S3_IMAGE'].map((k) => manifest[k]!);
    await Promise.all([
      ...['backend', 'frontend', 'ops'].map((n) =>
        sim.pushImage(ours(n), `bot-mox/bot-mox-${n}`, a),
      ),
      ...thirdParty.map((ref) => sim.pushImage(ref, ...splitRef(ref))),
    ]);
    await Promise.all(
      [tags.b, tags.badSmoke, tags.badMigration].flatMap((tag) => [
        sim.pushImage(derived(tag), 'bot-mox/bot-mox-backend', tag),
        sim.pushImage(ours('frontend'), 'bot-mox/bot-mox-frontend', tag),
        sim.pushImage(ours('ops'), 'bot-mox/bot-mox-ops', tag),
      ]),
    );

    // What a person does once: /opt/bot-mox owned by deploy, and .env.prod written there.
    const made = await sim.vps.exec(['install', '-d', '-o', 'deploy', '-g', 'deploy', BOT_MOX_DIR]);
    if (made.exitCode !== 0) throw new Error(`cannot create ${BOT_MOX_DIR}: ${made.output}`);
    const env = {
      STACK_DOMAIN,
      STACK_ENVIRONMENT: 'rehearsal',
      STACK_BIND_ADDRESS: '0.0.0.0',
      STACK_HTTP_PORT: '80',
      STACK_HTTPS_PORT: '443',
      STACK_PORT_SUFFIX: '',
      CADDY_TLS: 'internal',
      CADDY_HSTS: 'off',
      REGISTRY: `${REGISTRY_HOST}/bot-mox`,
      IMAGE_TAG: a,
      ...secrets,
      SUPABASE_ANON_KEY: 'rehearsal-anon-key',
      S3_REGION: 'us-east-1',
      S3_BUCKET_ARTIFACTS: 'botmox-artifacts',
      S3_PRESIGN_TTL_SECONDS: '900',
      // The off-site copy (required by the bootstrap): a second bucket on the VPS's own S3.
      OFFSITE_S3_ENDPOINT: 'http://minio:9000',
      OFFSITE_S3_BUCKET: 'botmox-offsite',
      OFFSITE_S3_ACCESS_KEY: secrets.S3_ACCESS_KEY,
      OFFSITE_S3_SECRET_KEY: secrets.S3_SECRET_KEY,
      OFFSITE_ENCRYPTION_PASSWORD: randomBytes(24).toString('hex'),
      // The VPS reaches no other registry: the third-party images by their mirror names.
      CADDY_IMAGE: `${REGISTRY_HOST}/${thirdParty[0]}`,
      POSTGRES_IMAGE: `${REGISTRY_HOST}/${thirdParty[1]}`,
      S3_IMAGE: `${REGISTRY_HOST}/${thirdParty[2]}`,
      POSTGRES_CONFIG_FILE: manifest.POSTGRES_CONFIG_FILE!,
    };
    const envText = Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join('');
    const wrote = await sim.ssh(`umask 077 && cat > ${BOT_MOX_DIR}/.env.prod`, { input: envText });
    if (wrote.exitCode !== 0) throw new Error(`cannot write .env.prod: ${wrote.stderr}`);

    // What the workflow does before each deploy (scripts/vps-remote.sh): copy scripts/ and
    // deploy/ without the stand-in recipes, run the bootstrap.
    const deployDir = await readdir(path.join(repoRoot, 'deploy'));
    await sim.upload(
      repoRoot,
      ['scripts', ...deployDir.filter((name) => name !== 'airgap').map((name) => `deploy/${name}`)],
      'release',
    );
    const bootstrap = await sim.ssh('bash release/scripts/vps-bootstrap.sh');
    if (bootstrap.exitCode !== 0) throw new Error(`bootstrap failed: ${bootstrap.stderr}`);

    const inDir = (cmd: string) =>
      sim.ssh(`cd ${BOT_MOX_DIR} && DEPLOY_ACTOR=acceptance-suite ${cmd}`);
    const quote = (args: string[]) => args.map((x) => `'${x.replaceAll("'", '')}'`).join(' ');

    const agent = async () => {
      if (dispatcher) return dispatcher;
      const ca = await inDir(
        'docker exec bot-mox-caddy-1 cat /data/caddy/pki/authorities/local/root.crt',
      );
      if (ca.exitCode !== 0) throw new Error(`no Caddy CA on the VPS yet: ${ca.stderr}`);
      const vpsAddress = sim.vps.getIpAddress(sim.network.getName());
      // *.localhost is the VPS's Caddy, reached on the VPS container's address.
      dispatcher = new Agent({
        connect: {
          ca: ca.stdout,
          lookup: (_host, options, callback) => {
            if ((options as { all?: boolean }).all)
              callback(null, [{ address: vpsAddress, family: 4 }]);
            else (callback as (e: null, a: string, f: number) => void)(null, vpsAddress, 4);
          },
        },
        keepAliveTimeout: 10_000,
      });
      return dispatcher;
    };
    const fetchVps = async (url: string, init: RequestInit = {}) =>
      undiciFetch(url, { ...init, dispatcher: await agent() });
    const url = (host: 'app' | 'api', pathAndQuery = '/') =>
      `https://${host}.${STACK_DOMAIN}${pathAndQuery}`;

    const compose = (args: string) =>
      inDir(
        `docker compose --env-file images.env --env-file .env.prod -f compose.stack.yml ${args}`,
      );
    return {
      sim,
      tags,
      deploy: (...args) => inDir(`bash scripts/deploy-vps.sh ${quote(args)}`),
      rollback: (...args) => inDir(`bash scripts/rollback-vps.sh ${quote(args)}`),
      compose,
      baseBackup: () => compose('exec -T backup ops basebackup --reason rehearsal'),
      releases: async () => {
        const out = await sim.ssh(`cat ${BOT_MOX_DIR}/releases.jsonl 2>/dev/null || true`);
        return out.stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as ReleaseLine);
      },
      url,
      fetch: fetchVps,
      api: (token) =>
        new ApiClient({
          baseUrl: url('api', ''),
          getToken: () => token,
          // undici's own fetch (the VPS's Caddy CA): the same API as the global one.
          fetchImpl: ((input: string, init: RequestInit) =>
            fetchVps(input, init)) as unknown as typeof fetch,
        }),
      liveTag: async () => {
        const res = await fetchVps(url('api', '/api/v1/health'));
        return ((await res.json()) as { image_tag: string }).image_tag;
      },
      mintToken: () =>
        mintJwt(
          secrets.SUPABASE_JWT_SECRET,
          {
            role: 'authenticated',
            aud: 'authenticated',
            sub: '5b1e0c9a-3f7d-4c52-9a61-2c1f0e7d8b44',
          },
          { expiresIn: '2h' },
        ),
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** The load of the rehearsals, through the VPS's Caddy: API reads and writes, and the SPA. */
export async function rehearsalLoad(r: DeployRehearsal): Promise<SteadyLoad> {
  const auth = { authorization: `Bearer ${await r.mintToken()}` };
  let n = 0;
  return startSteadyLoad(r.fetch, [
    {
      name: 'GET /api/v1/bots',
      workers: 2,
      expect: 200,
      url: r.url('api', '/api/v1/bots?limit=20'),
      init: () => ({ headers: auth }),
    },
    {
      name: 'POST /api/v1/bots',
      workers: 2,
      expect: 201,
      url: r.url('api', '/api/v1/bots'),
      init: () => ({
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `rehearsal-${Date.now()}-${n++}`, project: 'wow_tbc' }),
      }),
    },
    { name: 'GET app /', workers: 1, expect: 200, url: r.url('app', '/'), init: () => ({}) },
  ]);
}
