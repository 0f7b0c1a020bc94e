// The production stack (deploy/compose.stack.yml) started by Testcontainers from the images CI
// built: the compose file that ships is the compose file the suite proves.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { mintJwt } from '@bot-mox/backend/test-support';
import { ApiClient } from '@bot-mox/contracts/client';
import {
  DockerComposeEnvironment,
  getContainerRuntimeClient,
  ImageName,
  type StartedDockerComposeEnvironment,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import {
  Agent,
  fetch as undiciFetch,
  request as undiciRequest,
  type RequestInit,
  type Response,
} from 'undici';
import WebSocket from 'ws';
import { loadManifest, MissingImageError, repoRoot, requireImage } from './manifest.ts';

export const STACK_DOMAIN = 'localhost';

/** The tag of our images under test: IMAGE_TAG, else sha-<12> of HEAD (as images:build tags). */
export async function imageTagUnderTest(): Promise<string> {
  if (process.env.IMAGE_TAG) return process.env.IMAGE_TAG;
  const { execFileSync } = await import('node:child_process');
  const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repoRoot })
    .toString()
    .trim();
  return `sha-${sha}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const secret = (bytes = 24) => randomBytes(bytes).toString('hex');

export interface StackSecrets {
  POSTGRES_PASSWORD: string;
  SUPABASE_JWT_SECRET: string;
  S3_ACCESS_KEY: string;
  S3_SECRET_KEY: string;
  BACKUP_DB_PASSWORD: string;
}

export interface StartedStack {
  env: StartedDockerComposeEnvironment;
  projectName: string;
  imageTag: string;
  secrets: StackSecrets;
  httpsPort: number;
  /** Caddy's internal root CA, trusted by `fetch` and `websocket` below. */
  caCert: string;
  /** https://<host>.localhost:<port> */
  url(host: 'app' | 'api' | 's3' | string, pathAndQuery?: string): string;
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** The typed /api/v1 client on api.<domain>, through Caddy with `fetch` above; `token` if given. */
  api(token?: string): ApiClient;
  /** A GET whose body is returned as sent, not decoded (fetch decodes any Content-Encoding). */
  getRaw(url: string, headers?: Record<string, string>): Promise<RawResponse>;
  websocket(url: string, protocols?: string[], headers?: Record<string, string>): WebSocket;
  container(service: string): StartedTestContainer;
  /** One of our images under test: <REGISTRY>/bot-mox-<name>:<tag>. */
  image(name: 'backend' | 'frontend' | 'ops'): string;
  mintToken(claims?: Record<string, unknown>, expiresIn?: string): Promise<string>;
  /** docker compose with this project's files and env (plus `env`), e.g. run --rm migrate. */
  compose(args: string[], env?: Record<string, string>): Promise<{ code: number; output: string }>;
  /**
   * The operator CLI as production runs it (deploy/README.md): a one-off container of the
   * backend service (`compose run --rm --no-deps -T backend cli ...`), with the backend's env and
   * networks; `result` is its `<command>: result {json}` line, when it printed one.
   */
  cli<R = Record<string, unknown>>(args: string[]): Promise<CliRun<R>>;
  down(): Promise<void>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** *.localhost resolves to 127.0.0.1, as browsers do, whatever the system resolver says. */
export function loopbackLookup(
  hostname: string,
  options: unknown,
  callback: (
    err: Error | null,
    address: string | { address: string; family: number }[],
    family?: number,
  ) => void,
) {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) {
    if ((options as { all?: boolean })?.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
    return;
  }
  callback(new Error(`the stack suite talks only to *.localhost, not ${hostname}`), '', 4);
}

export interface StackOptions {
  /** Start only these services and what they depend on (default: all but profiles). */
  services?: string[];
  /** Extra compose variables, e.g. a service setting's default overridden; a function gets the
   * stack's generated secrets (e.g. the S3 keys for a second bucket on the same server). */
  env?: Record<string, string> | ((secrets: StackSecrets) => Record<string, string>);
  /** Test-only compose files (absolute paths) over compose.stack.yml, e.g. a stand-in service. */
  composeFiles?: string[];
}

export interface CliRun<R> {
  code: number;
  output: string;
  result: R | undefined;
}

/** The `<command>: result {json}` line the backend CLI prints last (undefined: none printed). */
export function cliResult<R>(output: string, command: string): R | undefined {
  const prefix = `${command}: result `;
  const line = output.split('\n').find((l) => l.startsWith(prefix));
  return line ? (JSON.parse(line.slice(prefix.length)) as R) : undefined;
}

export async function startStack(options: StackOptions = {}): Promise<StartedStack> {
  const imageTag = await imageTagUnderTest();
  const manifest = loadManifest();
  const registry = manifest.REGISTRY;
  // Fail at once on anything missing: compose would otherwise try to pull it.
  await Promise.all(
    (['CADDY_IMAGE', 'POSTGRES_IMAGE', 'S3_IMAGE'] as const).map((key) => requireImage(key)),
  );
  const client = await getContainerRuntimeClient();
  for (const name of ['backend', 'frontend', 'ops']) {
    const ref = `${registry}/bot-mox-${name}:${imageTag}`;
    if (!(await client.image.exists(ImageName.fromString(ref)))) {
      throw new MissingImageError(
        `image ${ref} is not on this machine; build it with: pnpm images:build`,
      );
    }
  }

  const secrets: StackSecrets = {
    POSTGRES_PASSWORD: secret(),
    SUPABASE_JWT_SECRET: secret(32),
    S3_ACCESS_KEY: `AK${secret(9).toUpperCase()}`,
    S3_SECRET_KEY: secret(),
    BACKUP_DB_PASSWORD: secret(),
  };
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const projectName = `botmox-test-${secret(4)}`;
  const environment = {
    ...manifest,
    ...secrets,
    IMAGE_TAG: imageTag,
    STACK_DOMAIN,
    STACK_ENVIRONMENT: 'acceptance',
    STACK_BIND_ADDRESS: '127.0.0.1',
    STACK_HTTPS_PORT: String(httpsPort),
    STACK_HTTP_PORT: String(httpPort),
    STACK_PORT_SUFFIX: `:${httpsPort}`,
    CADDY_TLS: 'internal',
    CADDY_HSTS: 'off',
    S3_PRESIGN_TTL_SECONDS: '60',
    ...(typeof options.env === 'function' ? options.env(secrets) : options.env),
  };

  const composeFiles = [
    path.join(repoRoot, 'deploy/compose.stack.yml'),
    ...(options.composeFiles ?? []),
  ];
  const healthy = Wait.forHealthCheck();
  const env = await new DockerComposeEnvironment(path.join(repoRoot, 'deploy'), composeFiles)
    .withProjectName(projectName)
    .withEnvironment(environment)
    .withWaitStrategy('migrate-1', Wait.forOneShotStartup())
    .withWaitStrategy('storage-init-1', Wait.forOneShotStartup())
    .withWaitStrategy('backup-init-1', Wait.forOneShotStartup())
    .withWaitStrategy('db-1', healthy)
    .withWaitStrategy('backup-1', healthy)
    .withWaitStrategy('minio-1', healthy)
    .withWaitStrategy('backend-1', healthy)
    .withWaitStrategy('frontend-1', healthy)
    .withWaitStrategy('caddy-1', healthy)
    .withStartupTimeout(180_000)
    .up(options.services);

  // Without Caddy (a partial stack) there is no CA, and url/fetch have nothing to reach.
  let caCert = '';
  if (!options.services || options.services.includes('caddy')) {
    const ca = await env
      .getContainer('caddy-1')
      .exec(['cat', '/data/caddy/pki/authorities/local/root.crt']);
    if (ca.exitCode !== 0) throw new Error(`could not read Caddy's root CA: ${ca.output}`);
    caCert = ca.output;
  }
  const dispatcher = new Agent({ connect: { ca: caCert, lookup: loopbackLookup } });

  const composeArgs = [
    'compose',
    '--project-name',
    projectName,
    ...composeFiles.flatMap((f) => ['-f', f]),
  ];
  const compose = async (args: string[], env: Record<string, string> = {}) => {
    const { spawn } = await import('node:child_process');
    return new Promise<{ code: number; output: string }>((resolve) => {
      const child = spawn('docker', [...composeArgs, ...args], {
        env: { ...process.env, ...environment, ...env },
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('close', (code) => resolve({ code: code ?? 1, output }));
    });
  };

  const url: StartedStack['url'] = (host, pathAndQuery = '/') =>
    `https://${host}.${STACK_DOMAIN}:${httpsPort}${pathAndQuery}`;
  const fetchHere: StartedStack['fetch'] = (url, init = {}) =>
    undiciFetch(url, { ...init, dispatcher });

  return {
    env,
    projectName,
    imageTag,
    secrets,
    httpsPort,
    caCert,
    url,
    fetch: fetchHere,
    api: (token) =>
      new ApiClient({
        baseUrl: url('api', ''),
        getToken: () => token ?? null,
        // undici's own fetch (Caddy's CA, *.localhost to 127.0.0.1): the same API as the global one.
        fetchImpl: ((input: string, init: RequestInit) =>
          fetchHere(input, init)) as unknown as typeof fetch,
      }),
    getRaw: async (url, headers = {}) => {
      const res = await undiciRequest(url, { dispatcher, headers });
      return {
        status: res.statusCode,
        headers: res.headers,
        body: Buffer.from(await res.body.arrayBuffer()),
      };
    },
    websocket: (url, protocols, headers) =>
      new WebSocket(url, protocols, { ca: caCert, lookup: loopbackLookup as never, headers }),
    container: (service) => env.getContainer(`${service}-1`),
    image: (name) => `${registry}/bot-mox-${name}:${imageTag}`,
    mintToken: (
      claims = {
        role: 'authenticated',
        aud: 'authenticated',
        sub: '0b8c7f52-6a8e-4d0c-9b1f-2f0f5d2b7a11',
      },
      expiresIn = '1h',
    ) => mintJwt(secrets.SUPABASE_JWT_SECRET, claims, { expiresIn }),
    compose,
    cli: async <R>(args: string[]) => {
      const run = await compose(['run', '--rm', '--no-deps', '-T', 'backend', 'cli', ...args]);
      return { ...run, result: cliResult<R>(run.output, args[0] ?? '') };
    },
    down: async () => {
      await dispatcher.close();
      await env.down({ removeVolumes: true, timeout: 20_000 });
    },
  };
}
