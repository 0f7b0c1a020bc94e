// Artifacts against a real S3 server (the manifest's S3_IMAGE: MinIO, or the Ceph RGW stand-in)
// and real Postgres: presigned PUT -> complete -> presigned GET moves the same bytes; the bucket
// stays private; presigned URLs die on expiry and on tampering; key-scope attacks are 400
// before anything is signed; wrong sizes are 409 and deleted; storage:init is idempotent;
// pending uploads expire; an S3 outage is 503 on artifact routes only.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  endpoints,
  ReadyResponse,
  WsMessage,
  type Artifact,
  type ArtifactPage,
  type ArtifactUploadTicket,
} from '@bot-mox/contracts';
import type { RequestBodyOf, RequestQueryOf } from '@bot-mox/contracts/client';
import type { RunningServer } from '@bot-mox/backend';
import { repoRoot } from '../harness/manifest.ts';
import { startPostgres, type StartedPostgres } from '../harness/postgres.ts';
import { startS3, type StartedS3 } from '../harness/s3.ts';
import { expectApiProblem, expectProblem } from '../harness/problem.ts';
import { client, mintToken, startApi, type Client } from './support.ts';

const BUCKET = 'botmox-artifacts';
const MiB = 1024 * 1024;

let pg: StartedPostgres;
let s3: StartedS3;
let api: RunningServer;
let c: Client;
let admin: S3Client;
let firstInit: { code: number; output: string };
const extraApis: RunningServer[] = [];
let s3Stopped = false;

function s3Env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    S3_ENDPOINT: s3.endpoint,
    S3_PUBLIC_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_REGION: s3.region,
    S3_BUCKET_ARTIFACTS: BUCKET,
    S3_FORCE_PATH_STYLE: 'true',
    ARTIFACT_SWEEP_INTERVAL_SECONDS: '0',
    ...extra,
  };
}

const run = promisify(execFile);
/** Runs `cli <command>` from the backend's sources, as the image runs it from dist. */
async function cli(
  command: string,
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  const entry = path.join(repoRoot, 'packages/backend/src/cli/index.ts');
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=@bot-mox/source', entry, command],
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
    );
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function startExtraApi(extra: Record<string, string>): Promise<RunningServer> {
  const server = await startApi(pg.url, extra);
  extraApis.push(server);
  return server;
}

type UploadRequest = RequestBodyOf<typeof endpoints.createArtifactInstaller>;

function request(overrides: Partial<UploadRequest> & { bytes: Uint8Array }): UploadRequest {
  const { bytes, ...rest } = overrides;
  return {
    platform: 'windows',
    version: '1.0.0',
    file_name: `setup-${randomBytes(4).toString('hex')}.exe`,
    size_bytes: bytes.length,
    sha256: sha256(bytes),
    content_type: 'application/octet-stream',
    ...rest,
  };
}

function createTicket(who: Client, body: UploadRequest): Promise<ArtifactUploadTicket> {
  return who.api.call(endpoints.createArtifactInstaller, { body });
}

const complete = (id: string, who: Client = c) =>
  who.api.call(endpoints.completeArtifactInstaller, { params: { id } });
const downloadLink = (id: string, who: Client = c) =>
  who.api.call(endpoints.downloadArtifactInstaller, { params: { id } });
const listArtifacts = (query: RequestQueryOf<typeof endpoints.listArtifactInstallers>) =>
  c.api.call(endpoints.listArtifactInstallers, { query });

async function put(ticket: ArtifactUploadTicket, bytes: Uint8Array, url = ticket.upload.url) {
  return fetch(url, { method: 'PUT', headers: ticket.upload.headers, body: bytes });
}

/** Streams a download, hashing it as it comes: no second copy of the bytes. */
async function fetchHash(
  url: string,
): Promise<{ status: number; sha: string; size: number; res: Response }> {
  const res = await fetch(url);
  const hash = createHash('sha256');
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body) {
      hash.update(chunk);
      size += chunk.length;
    }
  }
  return { status: res.status, sha: hash.digest('hex'), size, res };
}

async function uploadReady(
  bytes: Uint8Array,
  overrides: Partial<UploadRequest> = {},
): Promise<Artifact> {
  const ticket = await createTicket(c, request({ bytes, ...overrides }));
  const res = await put(ticket, bytes);
  expect(res.status, await res.text()).toBe(200);
  return complete(ticket.artifact.id);
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await admin.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
      return false;
    throw err;
  }
}

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  admin = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  firstInit = await cli('storage:init', { ...s3Env(), APP_ORIGIN: 'https://app.localhost' });
  api = await startApi(pg.url, s3Env());
  c = client(api.url, await mintToken());
});

afterAll(async () => {
  for (const server of extraApis) await server.shutdown('test end');
  await api?.shutdown('test end');
  admin?.destroy();
  if (!s3Stopped) await s3?.stop();
  await pg?.stop();
});

describe('cli storage:init', () => {
  it('creates the private bucket with CORS and lifecycle, then is a no-op', async () => {
    expect(firstInit.code, firstInit.output).toBe(0);
    expect(firstInit.output).toMatch(/bucket botmox-artifacts created/);
    expect(firstInit.output).toMatch(/CORS for https:\/\/app\.localhost: done/);
    const second = await cli('storage:init', { ...s3Env(), APP_ORIGIN: 'https://app.localhost' });
    expect(second.code, second.output).toBe(0);
    expect(second.output).toMatch(/already|unchanged|no-op/i);
    expect(second.output).toMatch(/nothing changed \(no-op\)/);
    expect(second.output).not.toMatch(/: done$/m);
  });

  it('lets the app origin PUT with content-type through CORS, and reads ETag', async () => {
    const res = await fetch(`${s3.endpoint}/${BUCKET}/artifacts/installers/windows/1.0.0/x.exe`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.localhost',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.localhost');
    expect(res.headers.get('access-control-expose-headers') ?? '').toMatch(/etag/i);
  });

  it('refuses to run without S3 settings, naming them', async () => {
    const out = await cli('storage:init', { S3_ACCESS_KEY_ID: 'x' });
    expect(out.code).toBe(2);
    expect(out.output).toMatch(/S3_ENDPOINT: required/);
  });
});

describe('the bucket is private', () => {
  let artifact: Artifact;
  beforeAll(async () => {
    artifact = await uploadReady(randomBytes(1024));
  });

  it('denies anonymous GET, list and PUT', async () => {
    expect((await fetch(`${s3.endpoint}/${BUCKET}/${artifact.object_key}`)).status).toBe(403);
    expect((await fetch(`${s3.endpoint}/${BUCKET}/`)).status).toBe(403);
    expect((await fetch(`${s3.endpoint}/${BUCKET}?list-type=2`)).status).toBe(403);
    const anonPut = await fetch(`${s3.endpoint}/${BUCKET}/artifacts/installers/windows/1.0.0/a`, {
      method: 'PUT',
      body: 'x',
    });
    expect(anonPut.status).toBe(403);
  });

  it('denies requests signed with a wrong secret', async () => {
    const wrong = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: `${s3.secretAccessKey}x` },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
    try {
      const err = await wrong.send(new ListObjectsV2Command({ Bucket: BUCKET })).then(
        () => undefined,
        (e: unknown) => e as { name: string; $metadata: { httpStatusCode: number } },
      );
      expect(err?.$metadata.httpStatusCode).toBe(403);
      expect(err?.name).toBe('SignatureDoesNotMatch');
    } finally {
      wrong.destroy();
    }
  });

  it('denies a presigned URL altered to another key', async () => {
    const other = await uploadReady(randomBytes(1024));
    const link = await downloadLink(artifact.id);
    expect((await fetch(link.url)).status).toBe(200);
    const altered = new URL(link.url);
    altered.pathname = `/${BUCKET}/${other.object_key}`;
    expect((await fetch(altered)).status).toBe(403);
    // A PUT URL moved to another key, too.
    const bytes = randomBytes(512);
    const ticket = await createTicket(c, request({ bytes }));
    const movedPut = new URL(ticket.upload.url);
    movedPut.pathname = movedPut.pathname.replace(/[^/]+$/, 'elsewhere.exe');
    expect((await put(ticket, bytes, movedPut.toString())).status).toBe(403);
    const outside = new URL(ticket.upload.url);
    outside.pathname = `/${BUCKET}/public/evil.exe`;
    expect((await put(ticket, bytes, outside.toString())).status).toBe(403);
  });
});

describe('upload and download through presigned URLs', () => {
  it('1 KiB: PUT, complete (ready + artifact.uploaded on the WebSocket), GET returns the same bytes', async () => {
    const token = await mintToken();
    const ws = new WebSocket(`${api.url.replace(/^http/, 'ws')}/api/v1/ws`, ['bearer', token]);
    const events: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (d) => {
        const msg = WsMessage.parse(JSON.parse(String(d)));
        if (msg.type === 'hello') resolve();
        else events.push(msg);
      });
      ws.on('error', reject);
    });
    try {
      const bytes = randomBytes(1024);
      const ticket = await createTicket(
        c,
        request({ bytes, platform: 'linux', version: '2.0.0-beta.1', file_name: 'bot mox ü.deb' }),
      );
      expect(ticket.artifact).toMatchObject({
        status: 'pending',
        object_key: 'artifacts/installers/linux/2.0.0-beta.1/bot mox ü.deb',
        size_bytes: 1024,
      });
      expect(ticket.upload.method).toBe('PUT');
      expect(ticket.upload.headers['content-type']).toBe('application/octet-stream');
      expect(new URL(ticket.upload.url).searchParams.get('X-Amz-SignedHeaders')).toMatch(
        /content-length;content-type;host/,
      );
      expect(Date.parse(ticket.upload.expires_at)).toBeGreaterThan(Date.now() + 800_000);

      // The signature pins content type and size.
      const otherType = await fetch(ticket.upload.url, {
        method: 'PUT',
        headers: { ...ticket.upload.headers, 'content-type': 'text/html' },
        body: bytes,
      });
      expect(otherType.status).toBe(403);
      expect((await put(ticket, Buffer.concat([bytes, Buffer.from('x')]))).status).toBe(403);

      // Complete before the PUT: 409, still pending.
      await expectApiProblem(complete(ticket.artifact.id), 409);
      expect((await put(ticket, bytes)).status).toBe(200);
      const ready = await complete(ticket.artifact.id);
      expect(ready.status).toBe('ready');
      expect(ready.uploaded_at).not.toBeNull();
      // Completing again is harmless.
      await complete(ticket.artifact.id);

      await expect
        .poll(() => events, { timeout: 5000 })
        .toContainEqual(
          expect.objectContaining({
            type: 'artifact.uploaded',
            id: ready.id,
            object_key: ready.object_key,
          }),
        );

      const link = await downloadLink(ready.id);
      expect(link.file_name).toBe('bot mox ü.deb');
      const got = await fetchHash(link.url);
      expect(got.status).toBe(200);
      expect(got.sha).toBe(sha256(bytes));
      expect(got.res.headers.get('content-disposition')).toBe(
        `attachment; filename="bot mox _.deb"; filename*=UTF-8''bot%20mox%20%C3%BC.deb`,
      );

      // ?redirect=1: a 302 to a presigned URL that works (raw: the redirect itself is checked).
      const redirect = await fetch(
        `${c.base}/artifacts/installers/${ready.id}/download?redirect=1`,
        {
          headers: { authorization: `Bearer ${c.token}` },
          redirect: 'manual',
        },
      );
      expect(redirect.status).toBe(302);
      const location = redirect.headers.get('location')!;
      expect((await fetchHash(location)).sha).toBe(sha256(bytes));
    } finally {
      ws.close();
    }
  });

  it('50 MiB: the same bytes come back (timed)', async () => {
    const bytes = randomBytes(50 * MiB);
    const ticket = await createTicket(
      c,
      request({ bytes, platform: 'macos', file_name: 'big.dmg' }),
    );
    const t0 = performance.now();
    const res = await put(ticket, bytes);
    const t1 = performance.now();
    expect(res.status, await res.text()).toBe(200);
    const ready = await complete(ticket.artifact.id);
    const link = await downloadLink(ready.id);
    const t2 = performance.now();
    const got = await fetchHash(link.url);
    const t3 = performance.now();
    expect(got.size).toBe(bytes.length);
    expect(got.sha).toBe(sha256(bytes));
    console.log(
      `[artifacts] 50 MiB through presigned URLs: upload ${Math.round(t1 - t0)} ms, download ${Math.round(t3 - t2)} ms`,
    );
  });

  it('lists with filters and cursor pagination', async () => {
    await uploadReady(randomBytes(64), { platform: 'linux', version: '3.0.0' });
    await uploadReady(randomBytes(64), { platform: 'linux', version: '3.0.1' });
    const linux = await listArtifacts({ platform: 'linux', status: 'ready' });
    expect(linux.items.length).toBeGreaterThanOrEqual(3);
    expect(linux.items.every((a) => a.platform === 'linux' && a.status === 'ready')).toBe(true);
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: ArtifactPage = await listArtifacts({
        platform: 'linux',
        limit: 1,
        cursor: cursor ?? undefined,
      });
      for (const a of page.items) seen.add(a.id);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.size).toBeGreaterThanOrEqual(linux.items.length);
    // Raw: a platform and a status the contract refuses to compile, and no token.
    await expectProblem(await c.call('GET', '/artifacts/installers?platform=solaris'), 400);
    await expectProblem(await c.call('GET', '/artifacts/installers?status=uploaded'), 400);
    await expectProblem(await client(api.url, '').call('GET', '/artifacts/installers'), 401);
  });
});

// Values that would move a key out of artifacts/installers/<platform>/<version>/<file>
// (the same list is unit-tested in packages/backend/src/platform/storage/keys.test.ts).
const ATTACKS: [string, unknown][] = [
  ['file_name', '../../../etc/passwd'],
  ['file_name', '..'],
  ['file_name', '.'],
  ['file_name', 'a..b.exe'],
  ['file_name', 'sub/setup.exe'],
  ['file_name', '/setup.exe'],
  ['file_name', 'sub\\setup.exe'],
  ['file_name', '..%2fsetup.exe'],
  ['file_name', 'set\u0000up.exe'],
  ['file_name', 'set\r\nup.exe'],
  ['file_name', 'set\u007fup.exe'],
  ['file_name', 'set\u0085up.exe'],
  ['file_name', ' setup.exe'],
  ['file_name', ''],
  ['file_name', 'a'.repeat(256)],
  ['file_name', 'ü'.repeat(128)],
  ['version', '../1.0.0'],
  ['version', '1.0.0/../../x'],
  ['version', '1..0'],
  ['version', '1.0.0\u0000'],
  ['version', 'latest'],
  ['version', ''],
  ['version', `1.${'0'.repeat(70)}`],
  ['platform', '../windows'],
  ['platform', 'windows/..'],
  ['platform', 'solaris'],
  ['size_bytes', 0],
  ['size_bytes', 6 * 1024 ** 3],
  ['content_type', 'text/html\r\nx-amz-acl: public-read'],
  ['sha256', 'ABC'],
];

// Raw: the attacks are bodies the typed client would refuse to send.
describe('key scope', () => {
  it.each(ATTACKS)(
    '%s = %j is 400 naming the field, before anything is signed',
    async (field, value) => {
      const bytes = Buffer.from('x');
      const body = { ...request({ bytes }), [field]: value };
      const res = await c.call('POST', '/artifacts/installers', body);
      const problem = await expectProblem(res, 400);
      expect(problem.errors?.map((e) => e.field)).toContain(`body.${field}`);
      expect(JSON.stringify(problem)).not.toMatch(/X-Amz-Signature/);
    },
  );

  it('refuses unknown fields (no object_key or bucket from the client) and sizes over the limit', async () => {
    const bytes = Buffer.from('x');
    for (const extra of [{ object_key: 'public/x' }, { bucket: 'other' }, { key: '../x' }]) {
      const problem = await expectProblem(
        await c.call('POST', '/artifacts/installers', { ...request({ bytes }), ...extra }),
        400,
      );
      expect(problem.errors?.[0]?.message).toBe('unknown field');
    }
    const small = await startExtraApi(s3Env({ ARTIFACT_MAX_BYTES: '1000' }));
    const problem = await expectApiProblem(
      createTicket(client(small.url, c.token), request({ bytes: randomBytes(1001) })),
      400,
    );
    expect(problem.errors).toEqual([
      { field: 'body.size_bytes', message: 'must be at most 1000 bytes' },
    ]);
    // No row was created by any of the attacks.
    const pending = await listArtifacts({ limit: 200 });
    expect(pending.items.every((a) => a.object_key.startsWith('artifacts/installers/'))).toBe(true);
    expect(pending.items.some((a) => a.file_name.includes('..'))).toBe(false);
  });

  it('a second upload of the same platform/version/file while one is live is 409', async () => {
    const bytes = randomBytes(10);
    const body = request({ bytes });
    await createTicket(c, body);
    await expectApiProblem(createTicket(c, body), 409);
  });
});

describe('complete, delete and expiry', () => {
  it('a wrong size at complete is 409, the object is deleted and the row failed', async () => {
    const bytes = randomBytes(2048);
    const ticket = await createTicket(c, request({ bytes }));
    // The presigned PUT refuses other sizes; a client that went around it is caught at complete.
    await admin.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: ticket.artifact.object_key,
        Body: bytes.subarray(0, 1000),
        ContentType: 'application/octet-stream',
      }),
    );
    const problem = await expectApiProblem(complete(ticket.artifact.id), 409);
    expect(problem.detail).toMatch(/size is 1000 bytes, announced 2048/);
    expect(await objectExists(ticket.artifact.object_key)).toBe(false);
    const failed = await listArtifacts({ status: 'failed', limit: 200 });
    expect(failed.items.map((a) => a.id)).toContain(ticket.artifact.id);
    await expectApiProblem(downloadLink(ticket.artifact.id), 409);
    // The key is free again: a retry may start.
    await createTicket(c, { ...request({ bytes }), file_name: ticket.artifact.file_name });
  });

  it('DELETE removes the object and the row', async () => {
    const artifact = await uploadReady(randomBytes(100));
    expect(await objectExists(artifact.object_key)).toBe(true);
    const remove = () =>
      c.api.call(endpoints.deleteArtifactInstaller, { params: { id: artifact.id } });
    // Resolves only on the contract's 204.
    await expect(remove()).resolves.toBeUndefined();
    expect(await objectExists(artifact.object_key)).toBe(false);
    await expectApiProblem(remove(), 404);
    await expectApiProblem(complete('00000000-0000-4000-8000-000000000000'), 404);
  });

  it('presigned PUT and GET URLs are denied after expiry', async () => {
    const short = await startExtraApi(s3Env({ S3_PRESIGN_TTL_SECONDS: '2' }));
    const sc = client(short.url, c.token);
    const ready = await uploadReady(randomBytes(300));
    const link = await downloadLink(ready.id, sc);
    const bytes = randomBytes(300);
    const ticket = await createTicket(sc, request({ bytes }));
    expect((await fetch(link.url)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3500));
    expect((await fetch(link.url)).status).toBe(403);
    expect((await put(ticket, bytes)).status).toBe(403);
  });

  it('pending uploads past TTL + grace become expired and lose their object (cli artifacts:expire and the sweep)', async () => {
    const short = await startExtraApi(
      s3Env({ S3_PRESIGN_TTL_SECONDS: '1', ARTIFACT_PENDING_GRACE_SECONDS: '0' }),
    );
    const sc = client(short.url, c.token);
    const bytes = randomBytes(128);
    const a = await createTicket(sc, request({ bytes }));
    expect((await put(a, bytes)).status).toBe(200); // uploaded, never completed
    const b = await createTicket(sc, request({ bytes }));
    await new Promise((r) => setTimeout(r, 1500));
    const out = await cli('artifacts:expire', {
      ...s3Env({ ARTIFACT_PENDING_GRACE_SECONDS: '0' }),
      DATABASE_URL: pg.url,
    });
    expect(out.code, out.output).toBe(0);
    expect(out.output).toMatch(/expired [2-9]\d* pending upload/);
    expect(await objectExists(a.artifact.object_key)).toBe(false);
    const expired = await listArtifacts({ status: 'expired', limit: 200 });
    expect(expired.items.map((x) => x.id)).toEqual(
      expect.arrayContaining([a.artifact.id, b.artifact.id]),
    );
    await expectApiProblem(complete(a.artifact.id), 409);

    // The server's periodic sweep does the same.
    const sweeping = await startExtraApi(
      s3Env({
        S3_PRESIGN_TTL_SECONDS: '1',
        ARTIFACT_PENDING_GRACE_SECONDS: '0',
        ARTIFACT_SWEEP_INTERVAL_SECONDS: '1',
      }),
    );
    const d = await createTicket(client(sweeping.url, c.token), request({ bytes }));
    const expiredIds = async () =>
      (await listArtifacts({ status: 'expired', limit: 200 })).items.map((x) => x.id);
    await expect.poll(expiredIds, { timeout: 8000, interval: 500 }).toContain(d.artifact.id);
  });
});

describe('without S3', () => {
  it('when not configured: artifact routes 503, s3_ready false, no s3 readiness check', async () => {
    const plain = await startExtraApi({});
    const pc = client(plain.url, c.token);
    await expectApiProblem(pc.api.call(endpoints.listArtifactInstallers), 503);
    await expectApiProblem(createTicket(pc, request({ bytes: Buffer.from('x') })), 503);
    const health = await pc.api.call(endpoints.health);
    expect(health.s3_ready).toBe(false);
    const ready = await pc.api.call(endpoints.healthReady, { acceptStatuses: [503] });
    expect(ready.checks.s3).toBeUndefined();
  });

  it('when the S3 container stops: s3_ready false, ready 503 naming s3, artifact routes 503, /bots still works', async () => {
    const before = await c.api.call(endpoints.health);
    expect(before.s3_ready).toBe(true);
    expect((await c.api.call(endpoints.healthReady)).checks.s3).toEqual({ ok: true });
    const artifact = await uploadReady(randomBytes(64));
    s3Stopped = true;
    await s3.stop();
    await new Promise((r) => setTimeout(r, 2100)); // the probe's cache
    const health = await c.api.call(endpoints.health);
    expect(health.s3_ready).toBe(false);
    // Raw: ready's status code is under test, and its 503 body is not a problem.
    const readyRes = await c.call('GET', '/health/ready');
    expect(readyRes.status).toBe(503);
    const ready = ReadyResponse.parse(await readyRes.json());
    expect(ready.checks.s3?.ok).toBe(false);
    expect(ready.checks.database?.ok).toBe(true);

    const started = Date.now();
    const params = { id: artifact.id };
    await expectApiProblem(c.api.call(endpoints.listArtifactInstallers), 503);
    await expectApiProblem(createTicket(c, request({ bytes: Buffer.from('x') })), 503);
    await expectApiProblem(downloadLink(artifact.id), 503);
    await expectApiProblem(complete(artifact.id), 503);
    await expectApiProblem(c.api.call(endpoints.deleteArtifactInstaller, { params }), 503);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Resolves only on the contract's 200 and schema.
    await c.api.call(endpoints.listBots);
    // Key-scope checks still come first.
    await expectApiProblem(
      createTicket(c, { ...request({ bytes: Buffer.from('x') }), file_name: '../x' }),
      400,
    );
  });
});
