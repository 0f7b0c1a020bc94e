// GET /bots/stats against real Postgres: exact totals over more bots than any page holds, and
// fresh totals after every kind of change (this instance's writes, a second instance's, plain SQL)
// while the stats sit in the bots list cache (the TTL is far longer than any wait here, so only
// the invalidations can refresh them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { BOT_STATUSES, endpoints, type BotStats } from '@bot-mox/contracts';
import type { RunningServer } from '@bot-mox/backend';
import { startPostgres, type StartedPostgres } from '../harness/postgres.ts';
import { expectProblem } from '../harness/problem.ts';
import { client, mintToken, startApi, type Client } from './support.ts';

const BULK = 2_600;
const PROJECTS = ['wow_tbc', 'lineage2', 'aion'] as const;
// Bot i (1-based) gets these; the expected totals below come from the same rule, not from SQL.
const statusOf = (i: number) => BOT_STATUSES[i % BOT_STATUSES.length]!;
const projectOf = (i: number) => PROJECTS[Math.floor(i / 7) % PROJECTS.length]!;

let db: StartedPostgres;
let one: RunningServer;
let two: RunningServer;
let a: Client;
let b: Client;
let sqlClient: pg.Client;

beforeAll(async () => {
  db = await startPostgres();
  const noTtl = { LIST_CACHE_TTL_MS: '600000' };
  [one, two] = await Promise.all([startApi(db.url, noTtl), startApi(db.url, noTtl)]);
  const token = await mintToken();
  a = client(one.url, token);
  b = client(two.url, token);
  // The cache serves (and is invalidated) only while the events listener is connected; ready
  // includes that check, and the listener may still be retrying on a loaded machine.
  await Promise.all([untilReady(a), untilReady(b)]);
  sqlClient = new pg.Client({ connectionString: db.url });
  await sqlClient.connect();
  await sqlClient.query(
    `insert into bots (name, status, project)
     select 'bulk-' || i, ($2::text[])[1 + i % 6], ($3::text[])[1 + (i / 7) % 3]
       from generate_series(1, $1::int) i`,
    [BULK, BOT_STATUSES, PROJECTS],
  );
});
afterAll(async () => {
  await sqlClient?.end();
  await Promise.all([one?.shutdown(), two?.shutdown()]);
  await db?.stop();
});

async function untilReady(c: Client): Promise<void> {
  const until = Date.now() + 30_000;
  // Raw: ready's status is what is waited for (its 503 body is not a problem).
  while ((await c.call('GET', '/health/ready')).status !== 200) {
    if (Date.now() > until) throw new Error(`${c.base} never became ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function expectedBulk(): BotStats {
  const zeros = () => Object.fromEntries(BOT_STATUSES.map((s) => [s, 0])) as BotStats['by_status'];
  const stats: BotStats = { total: 0, by_status: zeros(), by_project: [] };
  const projects = new Map(PROJECTS.map((p) => [p, { project: p, total: 0, by_status: zeros() }]));
  for (let i = 1; i <= BULK; i++) {
    const p = projects.get(projectOf(i))!;
    stats.total++;
    stats.by_status[statusOf(i)]++;
    p.total++;
    p.by_status[statusOf(i)]++;
  }
  stats.by_project = [...projects.values()].sort(
    (x, y) => y.total - x.total || x.project.localeCompare(y.project),
  );
  return stats;
}

const stats = (c: Client) => c.api.call(endpoints.botStats);

/** Reads stats on `server` until one comes from its cache; returns it. */
async function warm(server: RunningServer, c: Client): Promise<BotStats> {
  const cache = server.listCaches.get('bots')!;
  for (let i = 0; i < 5; i++) {
    const hits = cache.hits;
    const got = await stats(c);
    if (cache.hits > hits) return got;
  }
  throw new Error('GET /bots/stats never came from the cache');
}

/** Reads stats on `c` until `check` holds (or 3 s pass), and returns the last read. */
async function eventually(c: Client, check: (s: BotStats) => boolean): Promise<BotStats> {
  const until = Date.now() + 3000;
  for (;;) {
    const got = await stats(c);
    if (check(got) || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const project = (s: BotStats, name: string) => s.by_project.find((p) => p.project === name);

describe('bot stats', () => {
  it('counts every bot exactly, far past one page of the list', async () => {
    // The list stops at 200 a page: counting it in a client needs 13 pages here.
    const page = await a.api.call(endpoints.listBots, { query: { limit: 200 } });
    expect(page.items).toHaveLength(200);
    expect(page.next_cursor).not.toBeNull();

    const got = await stats(a);
    expect(got).toEqual(expectedBulk());
    expect(got.total).toBe(BULK);
    expect(Object.values(got.by_status).reduce((x, y) => x + y, 0)).toBe(BULK);
    expect(await stats(b)).toEqual(got);
  });

  it('needs a token', async () => {
    // Raw: the missing token is under test.
    await expectProblem(await client(one.url, '').call('GET', '/bots/stats'), 401);
  });

  it('is fresh at once after a write on the same instance', async () => {
    const before = await warm(one, a);
    const bot = await a.api.call(endpoints.createBots, {
      body: { name: 'stats-same', project: 'stats_same', status: 'error' },
    });
    const created = await stats(a);
    expect(created.total).toBe(before.total + 1);
    expect(created.by_status.error).toBe(before.by_status.error + 1);
    expect(project(created, 'stats_same')).toMatchObject({ total: 1, by_status: { error: 1 } });

    await warm(one, a);
    await a.api.call(endpoints.updateBots, { params: { id: bot.id }, body: { status: 'idle' } });
    const patched = await stats(a);
    expect([patched.by_status.error, patched.by_status.idle]).toEqual([
      before.by_status.error,
      before.by_status.idle + 1,
    ]);

    await warm(one, a);
    // Resolves only on the contract's 204.
    await expect(
      a.api.call(endpoints.deleteBots, { params: { id: bot.id } }),
    ).resolves.toBeUndefined();
    expect(await stats(a)).toEqual(before);
  });

  it('is fresh after a write by a second instance sharing the database', async () => {
    const before = await warm(one, a);
    const bot = await b.api.call(endpoints.createBots, {
      body: { name: 'stats-two', project: 'stats_two', status: 'running' },
    });
    const created = await eventually(a, (s) => s.total === before.total + 1);
    expect(created.total).toBe(before.total + 1);
    expect(project(created, 'stats_two')?.by_status.running).toBe(1);

    await warm(one, a);
    await b.api.call(endpoints.updateBots, { params: { id: bot.id }, body: { status: 'banned' } });
    const moved = await eventually(a, (s) => project(s, 'stats_two')?.by_status.banned === 1);
    expect(project(moved, 'stats_two')?.by_status).toMatchObject({ running: 0, banned: 1 });

    await warm(one, a);
    await expect(
      b.api.call(endpoints.deleteBots, { params: { id: bot.id } }),
    ).resolves.toBeUndefined();
    expect(await eventually(a, (s) => s.total === before.total)).toEqual(before);
  });

  it('is fresh after changes made in SQL, outside any backend', async () => {
    const before = await warm(one, a);
    await sqlClient.query(
      `insert into bots (name, status, project)
       select 'sql-' || i, 'stopped', 'stats_sql' from generate_series(1, 250) i`,
    );
    const inserted = await eventually(a, (s) => s.total === before.total + 250);
    expect(inserted.by_status.stopped).toBe(before.by_status.stopped + 250);
    expect(project(inserted, 'stats_sql')?.total).toBe(250);

    // A project change sends no status in the live event: only the invalidate trigger tells.
    await warm(one, a);
    await sqlClient.query(
      `update bots set project = 'stats_sql_moved' where project = 'stats_sql'`,
    );
    const moved = await eventually(a, (s) => project(s, 'stats_sql_moved')?.total === 250);
    expect(project(moved, 'stats_sql')).toBeUndefined();
    expect(project(moved, 'stats_sql_moved')?.total).toBe(250);

    await warm(one, a);
    await sqlClient.query(`update bots set status = 'prepare' where project = 'stats_sql_moved'`);
    const prepared = await eventually(
      a,
      (s) => project(s, 'stats_sql_moved')?.by_status.prepare === 250,
    );
    expect(prepared.by_status.prepare).toBe(before.by_status.prepare + 250);
    expect(prepared.by_status.stopped).toBe(before.by_status.stopped);

    await warm(one, a);
    await sqlClient.query(`delete from bots where project = 'stats_sql_moved'`);
    expect(await eventually(a, (s) => s.total === before.total)).toEqual(before);
  });
});
