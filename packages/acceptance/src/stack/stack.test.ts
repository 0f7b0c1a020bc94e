// The production stack as it ships (deploy/compose.stack.yml), started from the images CI built,
// with prod-sim's settings: routing through Caddy over TLS, readiness, hardening, one-shots.
import http2 from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, WS_CLOSE_UNAUTHORIZED } from '@bot-mox/contracts';
import { forbiddenPaths, imageLayerPaths } from '../harness/image-scan.ts';
import { expectApiProblem } from '../harness/problem.ts';
import { loopbackLookup, startStack, type StartedStack } from '../harness/stack.ts';

interface PsEntry {
  Service: string;
  State: string;
  ExitCode: number;
  ID: string;
  Publishers: { URL: string; TargetPort: number; PublishedPort: number }[] | null;
}

let stack: StartedStack;

async function ps(): Promise<PsEntry[]> {
  const { code, output } = await stack.compose(['ps', '-a', '--format', 'json']);
  expect(code, output).toBe(0);
  const text = output.trim();
  // compose 2.2x prints one JSON object per line
  return text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((l) => JSON.parse(l));
}

async function docker(args: string[]): Promise<string> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) =>
    execFile('docker', args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

/** The `<command>: result <json>` line our CLI commands end with (machine-readable outcome). */
function resultOf(command: string, output: string): { changed: unknown[]; [k: string]: unknown } {
  const line = output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith(`${command}: result `));
  expect(line, `${command} printed no result line:\n${output}`).toBeTruthy();
  const result = JSON.parse(line!.slice(`${command}: result `.length)) as { changed: unknown[] };
  expect(Array.isArray(result.changed), line).toBe(true);
  return result;
}

/** Run inside the backend image (its S3 env): removes the bucket's CORS rules. */
const S3_DELETE_CORS = `
const { S3Client, DeleteBucketCorsCommand } = await import('@aws-sdk/client-s3');
const s3 = new S3Client({
  endpoint: process.env.S3_ENDPOINT, region: process.env.S3_REGION, forcePathStyle: true,
  credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY },
});
await s3.send(new DeleteBucketCorsCommand({ Bucket: process.env.S3_BUCKET_ARTIFACTS }));
`;

/** Polls until check() returns true, or fails after `within` ms with the last observation. */
async function eventually(within: number, check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + within;
  for (;;) {
    if (await check()) return Date.now();
    if (Date.now() > deadline) throw new Error(`not within ${within} ms: ${what}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  stack = await startStack();
}, 300_000);

afterAll(async () => {
  await stack?.down();
}, 120_000);

/** The entry script index.html loads (a hashed, immutable asset). */
async function entryScriptPath(): Promise<string> {
  const html = await (await stack.fetch(stack.url('app', '/'))).text();
  const asset = /\/assets\/[\w.-]+\.js/.exec(html)?.[0];
  expect(asset, 'index.html references a hashed script').toBeTruthy();
  return asset!;
}

describe('routing through Caddy over TLS (internal CA trusted)', () => {
  it('serves the SPA on app.<domain> with its security headers and runtime config', async () => {
    const res = await stack.fetch(stack.url('app', '/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('strict-transport-security')).toBeNull(); // not on localhost
    const html = await res.text();
    expect(html).toContain('<div id="root">');

    const config = await stack.fetch(stack.url('app', '/config.json'));
    expect(config.headers.get('cache-control')).toBe('no-store');
    expect(await config.json()).toMatchObject({
      apiUrl: `https://api.localhost:${stack.httpsPort}`,
      imageTag: stack.imageTag,
    });

    const asset = /\/assets\/[\w.-]+\.js/.exec(html)?.[0];
    expect(asset, 'index.html references a hashed script').toBeTruthy();
    const script = await stack.fetch(stack.url('app', asset));
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toContain('immutable');
  });

  // Precompressed in the frontend image (vite.config.ts, packages/frontend/docker/Caddyfile);
  // the edge passes an encoded body through as it is.
  it('serves the hashed script precompressed (br, else zstd, else gzip), with Vary, to the same bytes', async () => {
    const { brotliDecompressSync, gunzipSync, zstdDecompressSync } = await import('node:zlib');
    const decoders: Record<string, (body: Buffer) => Buffer> = {
      br: brotliDecompressSync,
      zstd: zstdDecompressSync,
      gzip: gunzipSync,
    };
    const url = stack.url('app', await entryScriptPath());
    const plain = await stack.getRaw(url);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const [acceptEncoding, coding] of [
      ['gzip, br, zstd', 'br'],
      ['gzip, zstd', 'zstd'],
      ['gzip', 'gzip'],
    ] as const) {
      const res = await stack.getRaw(url, { 'accept-encoding': acceptEncoding });
      expect(res.status, acceptEncoding).toBe(200);
      expect(res.headers['content-encoding'], acceptEncoding).toBe(coding);
      expect(String(res.headers.vary), acceptEncoding).toMatch(/accept-encoding/i);
      expect(res.headers['cache-control']).toContain('immutable');
      expect(res.body.length, acceptEncoding).toBeLessThan(plain.body.length / 2);
      expect(decoders[coding]!(res.body).equals(plain.body), acceptEncoding).toBe(true);
    }
  });

  it('falls back to index.html for client-side routes, and 404s a missing asset', async () => {
    const deep = await stack.fetch(stack.url('app', '/bots/some-bot'));
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    const missing = await stack.fetch(stack.url('app', '/assets/nope-123.js'));
    expect(missing.status).toBe(404);
  });

  it('routes api.<domain>/api/v1 to the backend built as this tag', async () => {
    // Resolves only on the contract's 200 and schema.
    expect(await stack.api().call(endpoints.health)).toMatchObject({
      data_backend: 'supabase',
      supabase_ready: true,
      image_tag: stack.imageTag,
    });
    // Raw: the edge's answers without a token and off the API are under test.
    const unauthenticated = await stack.fetch(stack.url('api', '/api/v1/bots'));
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const unknown = await stack.fetch(stack.url('api', '/not-an-api'));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('compresses API lists under /api/v1 (JSON), keeping the CORS Vary', async () => {
    const { gunzipSync } = await import('node:zlib');
    const token = await stack.mintToken();
    const auth = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 4; i++) {
      await stack.api(token).call(endpoints.createBots, {
        body: { name: `stack-compressed-list-${i}`, project: 'wow_tbc' },
      });
    }
    // Raw: the bytes as sent, to see their encoding.
    const url = stack.url('api', '/api/v1/bots?limit=50');
    const res = await stack.getRaw(url, { ...auth, 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(String(res.headers.vary)).toMatch(/origin/i);
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    const list = JSON.parse(gunzipSync(res.body).toString('utf8')) as { items: unknown[] };
    expect(list.items.length).toBeGreaterThanOrEqual(4);
  });

  it('answers CORS preflights for the app origin only', async () => {
    const appOrigin = `https://app.localhost:${stack.httpsPort}`;
    const preflight = await stack.fetch(stack.url('api', '/api/v1/bots'), {
      method: 'OPTIONS',
      headers: {
        origin: appOrigin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(appOrigin);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const health = await stack.fetch(stack.url('api', '/api/v1/health/live'), {
      headers: { origin: 'https://evil.example' },
    });
    expect(health.headers.get('access-control-allow-origin')).toBe(appOrigin);
  });

  it('upgrades api.<domain>/api/v1/ws, pushes a live event for a change made through the API, closes a bad token with 4401', async () => {
    const token = await stack.mintToken();
    const ws = stack.websocket(stack.url('api', '/api/v1/ws').replace('https:', 'wss:'), [
      'bearer',
      token,
    ]);
    const messages: { type: string; op?: string; id?: string }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    try {
      await eventually(5_000, async () => messages.some((m) => m.type === 'hello'), 'hello frame');
      const bot = await stack.api(token).call(endpoints.createBots, {
        body: { name: 'stack-ws-bot', project: 'wow_tbc' },
      });
      await eventually(
        5_000,
        async () =>
          messages.some((m) => m.type === 'bot.changed' && m.id === bot.id && m.op === 'insert'),
        'bot.changed event over the WebSocket through Caddy',
      );
    } finally {
      ws.close();
    }
    // A refused token is a close code after the upgrade (what a browser can read), through Caddy.
    const refused = stack.websocket(
      stack.url('api', '/api/v1/ws?access_token=garbage').replace('https:', 'wss:'),
    );
    refused.on('error', () => {});
    expect(await new Promise<number>((resolve) => refused.once('close', resolve))).toBe(
      WS_CLOSE_UNAUTHORIZED,
    );
  });

  it('upgrades /api/v1/ws unencoded when the client also offers compression', async () => {
    const token = await stack.mintToken();
    const ws = stack.websocket(
      stack.url('api', '/api/v1/ws').replace('https:', 'wss:'),
      ['bearer', token],
      { 'accept-encoding': 'gzip, br, zstd' },
    );
    const messages: { type: string }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    const upgrade = await new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.once('upgrade', (res) => resolve(res.headers));
      ws.once('error', reject);
    });
    try {
      expect(upgrade['content-encoding']).toBeUndefined();
      await eventually(5_000, async () => messages.some((m) => m.type === 'hello'), 'hello frame');
    } finally {
      ws.close();
    }
  });

  it('routes s3.<domain> to the S3 API, which refuses anonymous access to the bucket', async () => {
    const res = await stack.fetch(stack.url('s3', '/botmox-artifacts/'));
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/<Error>|AccessDenied/);
  });

  it('gives an unknown host no app: the TLS handshake finds no certificate', async () => {
    await expect(stack.fetch(stack.url('unknown', '/'))).rejects.toThrow();
  });

  it('never routes or publishes the MinIO console', async () => {
    const entries = await ps();
    const published = entries.flatMap((e) =>
      (e.Publishers ?? []).filter((p) => p.PublishedPort > 0),
    );
    expect(published.map((p) => p.TargetPort).sort()).toEqual([443, 80]);
    const consolePath = await stack.fetch(stack.url('s3', '/minio/'));
    expect(consolePath.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
  });
});

describe('artifacts: presigned through s3.<domain>', () => {
  /** Uploads an installer with its presigned PUT, completes it, and returns its presigned GET. */
  async function uploadInstaller(
    body: Buffer,
    { version, fileName, contentType }: { version: string; fileName: string; contentType: string },
  ): Promise<{ url: string; sha256: string }> {
    const { createHash } = await import('node:crypto');
    const sha256 = createHash('sha256').update(body).digest('hex');
    const token = await stack.mintToken({
      role: 'service_role',
      aud: 'authenticated',
      sub: 'stack-suite',
    });
    const api = stack.api(token);
    const ticket = await api.call(endpoints.createArtifactInstaller, {
      body: {
        platform: 'linux',
        version,
        file_name: fileName,
        size_bytes: body.length,
        sha256,
        content_type: contentType,
      },
    });
    expect(new URL(ticket.upload.url).host).toBe(`s3.localhost:${stack.httpsPort}`);
    const put = await stack.fetch(ticket.upload.url, {
      method: 'PUT',
      headers: ticket.upload.headers,
      body,
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const params = { id: ticket.artifact.id };
    await api.call(endpoints.completeArtifactInstaller, { params });
    const { url } = await api.call(endpoints.downloadArtifactInstaller, { params });
    expect(new URL(url).host).toBe(`s3.localhost:${stack.httpsPort}`);
    return { url, sha256 };
  }

  it('uploads with a presigned PUT and reads back the same bytes with a presigned GET, both via Caddy', async () => {
    const { createHash, randomBytes } = await import('node:crypto');
    const { url, sha256 } = await uploadInstaller(randomBytes(256 * 1024), {
      version: '1.2.3',
      fileName: 'bot-mox-agent.tar.gz',
      contentType: 'application/gzip',
    });
    const got = await stack.fetch(url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toContain('bot-mox-agent.tar.gz');
    const bytes = Buffer.from(await got.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
    // The object itself stays private: the same URL without its signature is refused.
    const unsigned = await stack.fetch(url.split('?')[0]!);
    expect(unsigned.status).toBe(403);
  });

  it('never re-encodes a presigned download, even a text object asked for with Accept-Encoding', async () => {
    const { createHash } = await import('node:crypto');
    const body = Buffer.from('bot-mox agent log line, compressible on purpose\n'.repeat(2000));
    const { url, sha256 } = await uploadInstaller(body, {
      version: '1.2.4',
      fileName: 'bot-mox-agent.log',
      contentType: 'text/plain',
    });
    const got = await stack.getRaw(url, { 'accept-encoding': 'gzip, br, zstd' });
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toMatch(/^text\/plain/);
    expect(got.headers['content-encoding']).toBeUndefined();
    expect(got.headers['content-length']).toBe(String(body.length));
    expect(createHash('sha256').update(got.body).digest('hex')).toBe(sha256);
  });
});

describe('request bodies over the limit (BODY_LIMIT_BYTES, one value for Caddy and the backend)', () => {
  const LIMIT = 1024 * 1024; // compose's default
  const MiB = 1024 * 1024;
  const CASES = [
    ['api', 1.5 * MiB, 'content-length'],
    ['api', 20 * MiB, 'content-length'],
    ['api', 1.5 * MiB, 'chunked'],
    ['api', 20 * MiB, 'chunked'],
    ['app', 1.5 * MiB, 'content-length'],
    ['app', 20 * MiB, 'chunked'],
  ] as const;
  type Framing = (typeof CASES)[number][2];
  const jsonOf = (bytes: number) => {
    const head = '{"project":"p","name":"';
    return Buffer.from(head + 'x'.repeat(bytes - head.length - 2) + '"}');
  };
  /** The same bytes without a length: HTTP/1.1 sends them chunked, HTTP/2 as bare DATA frames. */
  async function* stream(body: Buffer, chunk = 64 * 1024) {
    for (let i = 0; i < body.length; i += chunk) yield body.subarray(i, i + chunk);
  }
  const origin = (host: string) => new URL(stack.url(host)).origin;

  function expectTooLarge(status: number, type: string | null, text: string, what: string) {
    expect(status, what).toBe(413);
    expect(type, what).toMatch(/application\/problem\+json/);
    const problem = JSON.parse(text) as { status: number; title: string; detail: string };
    expect(problem, what).toMatchObject({ status: 413, title: 'Content too large' });
    expect(problem.detail, what).toContain(String(LIMIT));
  }

  it('HTTP/1.1: 413 problem+json naming the limit for each size and framing; the client goes on', async () => {
    // One keep-alive client for every case, as a script or server-side caller would hold one.
    const http1 = new Agent({
      connect: { ca: stack.caCert, lookup: loopbackLookup as never },
      allowH2: false,
    });
    try {
      const token = await stack.mintToken();
      for (const [host, size, framing] of CASES) {
        const body = jsonOf(size);
        const res = await undiciFetch(`${origin(host)}/api/v1/bots`, {
          dispatcher: http1,
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(framing === 'chunked' ? { body: stream(body), duplex: 'half' } : { body }),
        });
        const what = `${host} ${size} ${framing}`;
        expectTooLarge(res.status, res.headers.get('content-type'), await res.text(), what);
        const next = await undiciFetch(`${origin('api')}/api/v1/health/live`, {
          dispatcher: http1,
        });
        expect(next.status, `after ${what}`).toBe(200);
      }
      // Under the limit, the static app host still takes no body: 405, answered at the edge.
      const write = await undiciFetch(`${origin('app')}/bots`, {
        dispatcher: http1,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream(jsonOf(1024)),
        duplex: 'half',
      });
      expect(write.status).toBe(405);
      expect(write.headers.get('allow')).toBe('GET, HEAD');
      expect(write.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(await write.json()).toMatchObject({ status: 405 });
    } finally {
      await http1.close();
    }
  }, 120_000);

  it('HTTP/2: the same answers on one connection, which stays usable for the next request', async () => {
    const sessions = new Map<string, http2.ClientHttp2Session>();
    const session = (host: string) => {
      let s = sessions.get(host);
      if (!s) {
        // Node refuses new streams once a session buffers more than maxSessionMemory (10 MB by
        // default): a 20 MiB body queued at once would trip the client, not the server.
        s = http2.connect(origin(host), {
          ca: stack.caCert,
          lookup: loopbackLookup as never,
          maxSessionMemory: 256,
        });
        sessions.set(host, s);
      }
      return s;
    };
    const request = (
      host: string,
      headers: http2.OutgoingHttpHeaders,
      body?: Buffer,
      framing?: Framing,
    ) =>
      new Promise<{ status: number; type: string | null; text: string }>((resolve, reject) => {
        const req = session(host).request({
          ...headers,
          ...(body && framing === 'content-length' ? { 'content-length': body.length } : {}),
        });
        let status = 0;
        let type: string | null = null;
        let text = '';
        req.on('response', (h) => {
          status = Number(h[':status']);
          type = (h['content-type'] as string | undefined) ?? null;
        });
        req.setEncoding('utf8');
        req.on('data', (chunk: string) => (text += chunk));
        // The whole answer is in: stop uploading what the server will not read (as browsers do).
        req.on('end', () => {
          resolve({ status, type, text });
          if (!req.closed) req.close(http2.constants.NGHTTP2_CANCEL);
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const token = await stack.mintToken();
      for (const [host, size, framing] of CASES) {
        const what = `${host} ${size} ${framing}`;
        const res = await request(
          host,
          {
            ':method': 'POST',
            ':path': '/api/v1/bots',
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
          },
          jsonOf(size),
          framing,
        );
        expectTooLarge(res.status, res.type, res.text, what);
        const next = await request(host, { ':path': host === 'api' ? '/api/v1/health/live' : '/' });
        expect(next.status, `same connection after ${what}`).toBe(200);
      }
      expect(sessions.size).toBe(2); // one connection per host carried every request
    } finally {
      for (const s of sessions.values()) s.close();
    }
  }, 120_000);

  it('passes a body just under the limit through to the backend, which judges it', async () => {
    const token = await stack.mintToken();
    for (const framing of ['content-length', 'chunked'] as const) {
      const body = jsonOf(LIMIT - 1024);
      const res = await stack.fetch(stack.url('api', '/api/v1/bots'), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(framing === 'chunked' ? { body: stream(body), duplex: 'half' } : { body }),
      });
      // The backend's own answer (a name that long is invalid), not the edge's 413.
      expect(res.status, framing).toBe(400);
      const problem = (await res.json()) as { request_id?: string; errors?: { field: string }[] };
      expect(problem.request_id, framing).toBeTruthy();
      expect(
        problem.errors?.map((e) => e.field),
        framing,
      ).toContain('body.name');
    }
  });
});

describe('hardening, by inspection', () => {
  const rootExceptions = new Set(['caddy', 'db', 'minio']); // documented in compose.stack.yml

  it('runs every container with no-new-privileges and all capabilities dropped; ours as non-root', async () => {
    const entries = await ps();
    expect(entries.length).toBeGreaterThanOrEqual(7);
    for (const entry of entries) {
      const [info] = JSON.parse(await docker(['inspect', entry.ID])) as {
        Config: { User: string };
        HostConfig: {
          SecurityOpt: string[] | null;
          CapDrop: string[] | null;
          ReadonlyRootfs: boolean;
        };
      }[];
      expect(info!.HostConfig.SecurityOpt ?? [], entry.Service).toContain('no-new-privileges:true');
      expect(info!.HostConfig.CapDrop ?? [], entry.Service).toContain('ALL');
      if (!rootExceptions.has(entry.Service)) {
        expect(info!.Config.User, `${entry.Service} runs as non-root`).toMatch(/^[1-9]\d*(:\d+)?$/);
        expect(info!.HostConfig.ReadonlyRootfs, `${entry.Service} read-only root`).toBe(true);
      }
    }
  });

  it('publishes no database or S3 port, and keeps the data network internal', async () => {
    const entries = await ps();
    for (const service of ['db', 'minio', 'backend']) {
      const entry = entries.find((e) => e.Service === service);
      expect(entry, service).toBeTruthy();
      expect(
        (entry!.Publishers ?? []).filter((p) => p.PublishedPort > 0),
        service,
      ).toEqual([]);
    }
    const [network] = JSON.parse(
      await docker(['network', 'inspect', `${stack.projectName}_data`]),
    ) as {
      Internal: boolean;
    }[];
    expect(network!.Internal).toBe(true);
  });

  it('ships no secret or env file in any layer of our images', async () => {
    for (const name of ['backend', 'frontend', 'ops'] as const) {
      const target = stack.image(name);
      const paths = await imageLayerPaths(target);
      expect(paths.length, target).toBeGreaterThan(100);
      expect(forbiddenPaths(paths), target).toEqual([]);
      const config = await docker(['image', 'inspect', '-f', '{{json .Config.Env}}', target]);
      expect(config).not.toMatch(/(PASSWORD|SECRET|TOKEN)[A-Z_]*=[^"]+/);
      for (const value of Object.values(stack.secrets)) expect(config).not.toContain(value);
    }
  });
});

describe('one-shots', () => {
  it('migrate and storage-init exited 0, and a second run of each is a no-op', async () => {
    const entries = await ps();
    for (const service of ['migrate', 'storage-init']) {
      const entry = entries.find((e) => e.Service === service);
      expect(entry?.State, service).toBe('exited');
      expect(entry?.ExitCode, service).toBe(0);
    }
    const migrate = await stack.compose(['run', '--rm', '--no-deps', 'migrate']);
    expect(migrate.code, migrate.output).toBe(0);
    const migrated = resultOf('db:migrate', migrate.output);
    expect(migrated.changed).toEqual([]);
    expect(migrated.already_applied).toBeGreaterThan(0);
    const storageInit = await stack.compose(['run', '--rm', '--no-deps', 'storage-init']);
    expect(storageInit.code, storageInit.output).toBe(0);
    expect(resultOf('storage:init', storageInit.output).changed).toEqual([]);
  }, 180_000); // `compose run` of a one-shot: seconds alone, a minute on a loaded host

  it('reports a change when there is one: storage-init puts back a bucket CORS rule removed behind its back', async () => {
    // Proves the no-op check above can fail: the same result line, after a real change.
    const removed = await stack.compose([
      'run',
      '--rm',
      '--no-deps',
      '--entrypoint',
      'node',
      'storage-init',
      '--input-type=module',
      '-e',
      S3_DELETE_CORS,
    ]);
    expect(removed.code, removed.output).toBe(0);
    const again = await stack.compose(['run', '--rm', '--no-deps', 'storage-init']);
    expect(again.code, again.output).toBe(0);
    expect(resultOf('storage:init', again.output).changed).toEqual([
      expect.stringMatching(/^CORS for /),
    ]);
  }, 180_000);
});

describe('readiness transitions', () => {
  // Raw: ready's status code is under test, and its 503 body is not a problem.
  const ready = async () => {
    const res = await stack.fetch(stack.url('api', '/api/v1/health/ready'));
    return {
      status: res.status,
      body: (await res.json()) as { checks: Record<string, { ok: boolean }> },
    };
  };

  it('is ready with everything up, 503 naming the database within 5 s of stopping it, and ready again within 10 s of starting it', async () => {
    expect((await ready()).status).toBe(200);
    const backendId = (await ps()).find((e) => e.Service === 'backend')!.ID;

    const stop = await stack.compose(['stop', 'db']);
    expect(stop.code, stop.output).toBe(0);
    const stoppedAt = Date.now();
    let last: Awaited<ReturnType<typeof ready>> | undefined;
    await eventually(5_000, async () => (last = await ready()).status === 503, 'ready turns 503');
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(5_500);
    expect(last!.body.checks.database?.ok).toBe(false);
    const state = await docker(['inspect', '-f', '{{.State.Running}}', backendId]);
    expect(state.trim(), 'the backend process stays up').toBe('true');

    const start = await stack.compose(['start', 'db']);
    expect(start.code, start.output).toBe(0);
    await eventually(10_000, async () => (await ready()).status === 200, 'ready turns 200 again');
  });

  it('with the S3 server stopped: s3_ready false, artifact routes 503 problem+json, other domains work', async () => {
    const api = stack.api(await stack.mintToken());
    const s3Ready = async () => (await api.call(endpoints.health)).s3_ready;
    const stop = await stack.compose(['stop', 'minio']);
    expect(stop.code, stop.output).toBe(0);
    try {
      await eventually(10_000, async () => (await s3Ready()) === false, 's3_ready turns false');
      await expectApiProblem(api.call(endpoints.listArtifactInstallers), 503);
      const bots = await api.call(endpoints.listBots, { query: { limit: 5 } });
      expect(bots.items.length).toBeLessThanOrEqual(5);
    } finally {
      const start = await stack.compose(['start', 'minio']);
      expect(start.code, start.output).toBe(0);
    }
    // The S3 stand-in restarts its monitor, OSD and gateway: about 5 s alone, 30+ s under load.
    await eventually(90_000, async () => (await s3Ready()) === true, 's3_ready turns true again');
  }, 180_000);
});
