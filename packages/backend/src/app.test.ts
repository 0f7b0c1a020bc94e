// The HTTP edge without a database: auth, validation, problem details, limits, write freeze.
// Repositories are small in-memory implementations of the real interfaces.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot, BotStats, HealthResponse, Problem, type BotCreate } from '@bot-mox/contracts';
import { createApp, type AppDeps } from './app.ts';
import { ListCaches } from './platform/list-cache.ts';
import { parseConfig } from './config.ts';
import type { Repositories } from './domains/index.ts';
import { createLogger } from './platform/logger.ts';
import { foldBotCounts } from './domains/bots/stats.ts';
import { mintJwt } from './test-support/jwt.ts';

const SECRET = 's'.repeat(40);

function memoryBots(): Repositories['bots'] {
  const rows = new Map<string, Bot>();
  let n = 0;
  return {
    async list() {
      return { items: [...rows.values()], next_cursor: null };
    },
    async stats() {
      return foldBotCounts(
        [...rows.values()].map((b) => ({ project: b.project, status: b.status, count: 1 })),
      );
    },
    async get(id) {
      return rows.get(id) ?? null;
    },
    async create(input: BotCreate) {
      const now = new Date().toISOString();
      const bot: Bot = {
        id: `bot${++n}`,
        legacy_id: null,
        name: input.name,
        status: input.status,
        project: input.project,
        vm_name: input.vm_name ?? null,
        character: input.character ?? null,
        tags: input.tags,
        last_seen_at: input.last_seen_at ?? null,
        created_at: now,
        updated_at: now,
      };
      rows.set(bot.id, bot);
      return bot;
    },
    async update() {
      return null;
    },
    async delete(id) {
      return rows.delete(id);
    },
  };
}

const unused = new Proxy(
  {},
  { get: () => () => Promise.reject(new Error('not used in this test')) },
);

const token = (claims: Record<string, unknown>, opts: { exp?: string; secret?: string } = {}) =>
  mintJwt(opts.secret ?? SECRET, claims, { expiresIn: opts.exp });

function start(
  env: Record<string, string> = {},
  { bots, ...extra }: Partial<AppDeps> & { bots?: Repositories['bots'] } = {},
) {
  const config = parseConfig({
    DATABASE_URL: 'postgres://u:p@localhost/db',
    SUPABASE_JWT_SECRET: SECRET,
    ...env,
  });
  const app = createApp(config, {
    logger: createLogger('silent'),
    repositories: {
      bots: bots ?? memoryBots(),
      resources: unused as Repositories['resources'],
      workspace: unused as Repositories['workspace'],
      operations: unused as Repositories['operations'],
      settings: unused as Repositories['settings'],
    },
    readiness: [],
    validateResponses: true,
    ...extra,
  });
  return new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

describe('the API edge', () => {
  let server: Server;
  let frozen: Server;
  let base: string;
  let user: string;
  beforeAll(async () => {
    server = await start();
    frozen = await start({ WRITE_FREEZE: 'true' });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    user = await token({ role: 'authenticated', aud: 'authenticated', sub: 'u1' });
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await new Promise((r) => frozen.close(r));
  });

  const post = (path: string, body: string, auth = user, url = base) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      body,
    });

  async function problem(res: Response, status: number): Promise<Problem> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = Problem.parse(await res.json());
    expect(body.request_id).toBe(res.headers.get('x-request-id'));
    return body;
  }

  it('creates with a valid token and body', async () => {
    const res = await post('/bots', JSON.stringify({ name: 'farm-1', project: 'wow_tbc' }));
    expect(res.status).toBe(201);
    expect(Bot.parse(await res.json())).toMatchObject({
      name: 'farm-1',
      status: 'prepare',
      tags: [],
    });
  });

  it('401 without a token, with a bad signature, and when expired', async () => {
    await problem(await fetch(`${base}/bots`), 401);
    await problem(
      await post(
        '/bots',
        '{}',
        await token({ role: 'authenticated', aud: 'authenticated' }, { secret: 'x'.repeat(40) }),
      ),
      401,
    );
    const expired = await token({ role: 'authenticated', aud: 'authenticated' }, { exp: '-1h' });
    const p = await problem(
      await fetch(`${base}/bots`, { headers: { authorization: `Bearer ${expired}` } }),
      401,
    );
    expect(p.detail).toContain('expired');
  });

  it('401 for the wrong audience, 403 for the anon role, service_role allowed', async () => {
    const wrongAud = await token({ role: 'authenticated', aud: 'someone-else' });
    await problem(
      await fetch(`${base}/bots`, { headers: { authorization: `Bearer ${wrongAud}` } }),
      401,
    );
    const anon = await token({ role: 'anon' });
    await problem(
      await fetch(`${base}/bots`, { headers: { authorization: `Bearer ${anon}` } }),
      403,
    );
    const service = await token({ role: 'service_role' });
    expect(
      (await fetch(`${base}/bots`, { headers: { authorization: `Bearer ${service}` } })).status,
    ).toBe(200);
  });

  it('400 naming fields for bad JSON, wrong types and unknown fields', async () => {
    expect((await problem(await post('/bots', '{"name":'), 400)).errors).toEqual([
      { field: 'body', message: 'malformed JSON' },
    ]);
    const wrong = await problem(
      await post('/bots', JSON.stringify({ name: 5, project: 'wow_tbc', colour: 'red' })),
      400,
    );
    expect(wrong.errors?.map((e) => e.field).sort()).toEqual(['body.colour', 'body.name']);
    const q = await problem(
      await fetch(`${base}/bots?limit=0&status=flying`, {
        headers: { authorization: `Bearer ${user}` },
      }),
      400,
    );
    expect(q.errors?.map((e) => e.field).sort()).toEqual(['query.limit', 'query.status']);
  });

  it('413 over 1 MB, 415 for a non-JSON body', async () => {
    const tooLarge = await problem(
      await post('/bots', JSON.stringify({ name: 'x'.repeat(1_100_000), project: 'p' })),
      413,
    );
    // The limit is BODY_LIMIT_BYTES (default 1 MiB), the same variable Caddy takes.
    expect(tooLarge.detail).toBe('The body exceeds the limit of 1048576 bytes.');
    const res = await fetch(`${base}/bots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user}`, 'content-type': 'text/plain' },
      body: 'name=x',
    });
    await problem(res, 415);
  });

  it('404 problem for unknown routes and unknown ids', async () => {
    await problem(await fetch(`${base}/no-such-thing`), 404);
    await problem(
      await fetch(`${base}/bots/unknown`, { headers: { authorization: `Bearer ${user}` } }),
      404,
    );
  });

  it('answers /bots/stats with the totals (not as a bot id), behind the same auth as the list', async () => {
    const auth = { authorization: `Bearer ${user}` };
    const before = BotStats.parse(
      await (await fetch(`${base}/bots/stats`, { headers: auth })).json(),
    );
    await post('/bots', JSON.stringify({ name: 'counted', project: 'stats_p', status: 'banned' }));
    const res = await fetch(`${base}/bots/stats`, { headers: auth });
    expect(res.status).toBe(200);
    const after = BotStats.parse(await res.json());
    expect(after.total).toBe(before.total + 1);
    expect(after.by_status.banned).toBe(before.by_status.banned + 1);
    expect(after.by_project.find((p) => p.project === 'stats_p')).toMatchObject({
      total: 1,
      by_status: { banned: 1, running: 0 },
    });
    await problem(await fetch(`${base}/bots/stats`), 401);
    const anon = await token({ role: 'anon' });
    await problem(
      await fetch(`${base}/bots/stats`, { headers: { authorization: `Bearer ${anon}` } }),
      403,
    );
  });

  it('503 with Retry-After for writes while frozen; reads still work', async () => {
    const url = `http://127.0.0.1:${(frozen.address() as AddressInfo).port}/api/v1`;
    const res = await post('/bots', JSON.stringify({ name: 'x', project: 'p' }), user, url);
    await problem(res, 503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(
      (await fetch(`${url}/bots`, { headers: { authorization: `Bearer ${user}` } })).status,
    ).toBe(200);
  });

  it('503 problem+json on every artifact route without an installer service (S3 off)', async () => {
    const id = '0b8c7f52-6a8e-4d0c-9b1f-2f0f5d2b7a11';
    const auth = { authorization: `Bearer ${user}` };
    const calls: [string, string, unknown?][] = [
      ['GET', '/artifacts/installers'],
      [
        'POST',
        '/artifacts/installers',
        {
          platform: 'windows',
          version: '1.0.0',
          file_name: 'setup.exe',
          size_bytes: 10,
          content_type: 'application/octet-stream',
        },
      ],
      ['POST', `/artifacts/installers/${id}/complete`],
      ['GET', `/artifacts/installers/${id}/download`],
      ['DELETE', `/artifacts/installers/${id}`],
    ];
    for (const [method, path, body] of calls) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: body ? { ...auth, 'content-type': 'application/json' } : auth,
        body: body ? JSON.stringify(body) : undefined,
      });
      const p = await problem(res, 503);
      expect(p.detail, `${method} ${path}`).toMatch(/S3_ENDPOINT/);
      expect(res.headers.get('retry-after')).toBe('30');
    }
    // Auth still comes first.
    await problem(await fetch(`${base}/artifacts/installers`), 401);
  });

  it('keeps the caller’s request id, and never leaks internals on a 500', async () => {
    const res = await fetch(`${base}/resources/licenses`, {
      headers: { authorization: `Bearer ${user}`, 'x-request-id': 'trace-123' },
    });
    const p = await problem(res, 500);
    expect(p.request_id).toBe('trace-123');
    expect(JSON.stringify(p)).not.toContain('not used in this test');
  });

  it('serves a public OpenAPI 3.1 document covering every route', async () => {
    const res = await fetch(`${base}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/bots/{id}',
        '/api/v1/bots/stats',
        '/api/v1/finance/summary',
        '/api/v1/settings/{section}',
        '/api/v1/workspace/calendar',
      ]),
    );
  });
});

describe('the bots list cache', () => {
  it('serves repeated lists from memory, and our own writes clear it before answering', async () => {
    const bots = memoryBots();
    let lists = 0;
    let statsReads = 0;
    const counted: Repositories['bots'] = {
      ...bots,
      list: (q) => (lists++, bots.list(q)),
      stats: () => (statsReads++, bots.stats()),
    };
    const caches = new ListCaches({ maxEntries: 10, ttlMs: 60_000, live: () => true });
    const server = await start(
      {},
      {
        bots: counted,
        listCaches: caches,
      },
    );
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
      const auth = { authorization: `Bearer ${await token({ role: 'service_role' })}` };
      const list = async (q = '') => {
        const res = await fetch(`${base}/bots${q}`, { headers: auth });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
        return (await res.json()) as { items: Bot[] };
      };
      expect((await list()).items).toEqual([]);
      expect((await list()).items).toEqual([]);
      // Same validated query, spelled differently: one entry.
      await list('?limit=50&sort=-created_at');
      expect(lists).toBe(1);
      const create = async (name: string) => {
        const res = await fetch(`${base}/bots`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ name, project: 'wow_tbc' }),
        });
        expect(res.status).toBe(201);
      };
      await create('fresh');
      expect((await list()).items.map((b) => b.name)).toEqual(['fresh']);
      expect(lists).toBe(2);
      // Stats share the cache (under their own key) and its invalidation.
      const stats = async () => {
        const res = await fetch(`${base}/bots/stats`, { headers: auth });
        expect(res.status).toBe(200);
        return BotStats.parse(await res.json()).total;
      };
      expect([await stats(), await stats()]).toEqual([1, 1]);
      expect(statsReads).toBe(1);
      expect((await list()).items).toHaveLength(1);
      expect(lists).toBe(2);
      await create('second');
      expect(await stats()).toBe(2);
      expect(statsReads).toBe(2);
      // Auth and validation still come first.
      expect((await fetch(`${base}/bots`)).status).toBe(401);
      expect((await fetch(`${base}/bots/stats`)).status).toBe(401);
      expect((await fetch(`${base}/bots?limit=0`, { headers: auth })).status).toBe(400);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('GET /health: backups and restore drills', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });
  async function health(env: Record<string, string>, extra: Partial<AppDeps>) {
    const server = await start(env, extra);
    servers.push(server);
    const res = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/health`,
    );
    expect(res.status).toBe(200);
    return HealthResponse.parse(await res.json());
  }
  const status = {
    last_backup_at: '2026-11-30T03:00:12.345Z',
    last_backup_ok: false,
    last_good_backup_at: '2026-11-29T03:00:10.000Z',
    last_restore_drill_at: '2026-11-29T04:31:00.000Z',
    last_restore_drill_ok: true,
  };

  it('reports the latest runs from ops.runs, and the schedule interval + grace as the max age', async () => {
    const body = await health(
      { BACKUP_DUMP_INTERVAL_SECONDS: '3600', BACKUP_OVERDUE_GRACE_SECONDS: '600' },
      { backupStatus: async () => status },
    );
    expect(body).toMatchObject({ ...status, backup_max_age_seconds: 4200 });
  });

  it('defaults to a daily schedule with an hour of grace', async () => {
    const body = await health({}, { backupStatus: async () => status });
    expect(body.backup_max_age_seconds).toBe(86_400 + 3600);
  });

  it('stays 200 with nulls when ops.runs cannot be read, or when there is no database', async () => {
    const failing = await health(
      {},
      { backupStatus: () => Promise.reject(new Error('relation "ops.runs" does not exist')) },
    );
    const none = await health({}, {});
    for (const body of [failing, none]) {
      expect(body).toMatchObject({
        last_backup_at: null,
        last_backup_ok: null,
        last_good_backup_at: null,
        last_restore_drill_at: null,
        last_restore_drill_ok: null,
      });
    }
  });

  it('refuses a schedule interval that is not a whole number of seconds, naming it', () => {
    expect(() =>
      parseConfig({
        DATABASE_URL: 'postgres://u:p@localhost/db',
        SUPABASE_JWT_SECRET: SECRET,
        BACKUP_DUMP_INTERVAL_SECONDS: 'daily',
      }),
    ).toThrow(/^BACKUP_DUMP_INTERVAL_SECONDS: /);
  });
});
