// GET /bots/stats on both data backends (Postgres, and the legacy RTDB on the firebase-server
// stand-in): exact totals over more bots than any page holds, and fresh totals after every kind of
// change (this instance's writes, a second instance's, writes outside any backend: plain SQL, or
// the RTDB's REST API). On Postgres the stats sit in the bots list cache (the TTL is far longer
// than any wait here, so only the invalidations can refresh them); on RTDB nothing would tell a
// cache of changes, so the backend keeps none and every read is fresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { BOT_STATUSES, endpoints, type BotStats } from '@bot-mox/contracts';
import type { RunningServer } from '@bot-mox/backend';
import { startPostgres, type StartedPostgres } from '../harness/postgres.ts';
import { expectProblem } from '../harness/problem.ts';
import { rtdbWrite, startRtdb, type StartedRtdb } from '../harness/rtdb.ts';
import { client, mintToken, startApi, type Client } from './support.ts';

const BULK = 2_600;
const PROJECTS = ['wow_tbc', 'lineage2', 'aion'] as const;
// Bot i (1-based) gets these; the expected totals below come from the same rule, not from SQL.
const statusOf = (i: number) => BOT_STATUSES[i % BOT_STATUSES.length]!;
const projectOf = (i: number) => PROJECTS[Math.floor(i / 7) % PROJECTS.length]!;

interface NewBot {
  name: string;
  status: string;
  project: string;
}

/** Changes to the bots that bypass every backend instance. */
interface Outside {
  insert(bots: NewBot[]): Promise<void>;
  /** Sets `change` on every bot of `project`. */
  update(project: string, change: Partial<NewBot>): Promise<void>;
  remove(project: string): Promise<void>;
}

/** Plain SQL on the database the instances share. */
function sqlOutside(sql: pg.Client): Outside {
  return {
    insert: async (bots) => {
      await sql.query(
        `insert into bots (name, status, project)
         select * from unnest($1::text[], $2::text[], $3::text[])`,
        [bots.map((b) => b.name), bots.map((b) => b.status), bots.map((b) => b.project)],
      );
    },
    update: async (project, change) => {
      const sets = Object.keys(change).map((k, i) => `${k} = $${i + 2}`);
      await sql.query(`update bots set ${sets.join(', ')} where project = $1`, [
        project,
        ...Object.values(change),
      ]);
    },
    remove: async (project) => {
      await sql.query('delete from bots where project = $1', [project]);
    },
  };
}

/** The RTDB's REST API, as the legacy records look there (times as epoch ms). */
function rtdbOutside(rtdb: StartedRtdb): Outside {
  const records = new Map<string, NewBot & { createdAt: number; updatedAt: number }>();
  let next = 0;
  const patch = async (keys: string[]) => {
    // One PATCH of many children at a time: one request per bot takes seconds.
    for (let i = 0; i < keys.length; i += 500) {
      const part = keys.slice(i, i + 500);
      await rtdbWrite(
        rtdb,
        'PATCH',
        'bots',
        Object.fromEntries(part.map((k) => [k, records.get(k) ?? null])),
      );
    }
  };
  const ofProject = (project: string) =>
    [...records].filter(([, r]) => r.project === project).map(([k]) => k);
  return {
    insert: async (bots) => {
      const now = Date.now();
      const keys = bots.map((b) => {
        const key = `-outside${String(next++).padStart(12, '0')}`;
        records.set(key, { ...b, createdAt: now, updatedAt: now });
        return key;
      });
      await patch(keys);
    },
    update: async (project, change) => {
      const keys = ofProject(project);
      for (const k of keys)
        records.set(k, { ...records.get(k)!, ...change, updatedAt: Date.now() });
      await patch(keys);
    },
    remove: async (project) => {
      const keys = ofProject(project);
      for (const k of keys) records.delete(k);
      await patch(keys);
    },
  };
}

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

describe.each(['supabase', 'rtdb'] as const)('bot stats, DATA_BACKEND=%s', (backend) => {
  let db: StartedPostgres;
  let rtdb: StartedRtdb | undefined;
  let sqlClient: pg.Client;
  let outside: Outside;
  let one: RunningServer;
  let two: RunningServer;
  let a: Client;
  let b: Client;

  beforeAll(async () => {
    db = await startPostgres();
    const env: Record<string, string> = { LIST_CACHE_TTL_MS: '600000' };
    if (backend === 'rtdb') {
      rtdb = await startRtdb({});
      // firebase-admin reads the emulator's address from the process environment.
      process.env.FIREBASE_DATABASE_EMULATOR_HOST = rtdb.emulatorHost;
      Object.assign(env, {
        DATA_BACKEND: 'rtdb',
        RTDB_URL: rtdb.url,
        FIREBASE_DATABASE_EMULATOR_HOST: rtdb.emulatorHost,
      });
    }
    [one, two] = await Promise.all([startApi(db.url, env), startApi(db.url, env)]);
    const token = await mintToken();
    a = client(one.url, token);
    b = client(two.url, token);
    // The cache serves (and is invalidated) only while the events listener is connected; ready
    // includes that check, and the listener may still be retrying on a loaded machine.
    await Promise.all([untilReady(a), untilReady(b)]);
    sqlClient = new pg.Client({ connectionString: db.url });
    await sqlClient.connect();
    outside = rtdb ? rtdbOutside(rtdb) : sqlOutside(sqlClient);
    await outside.insert(
      Array.from({ length: BULK }, (_, n) => ({
        name: `bulk-${n + 1}`,
        status: statusOf(n + 1),
        project: projectOf(n + 1),
      })),
    );
  });
  afterAll(async () => {
    await sqlClient?.end();
    await Promise.all([one?.shutdown(), two?.shutdown()]);
    await Promise.all([db?.stop(), rtdb?.stop()]);
    delete process.env.FIREBASE_DATABASE_EMULATOR_HOST;
  });

  const stats = (c: Client) => c.api.call(endpoints.botStats);

  /** Reads stats on `server` until one comes from its cache (none on RTDB); returns it. */
  async function warm(server: RunningServer, c: Client): Promise<BotStats> {
    if (backend === 'rtdb') return stats(c);
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

  it('is fresh after changes made outside any backend (SQL, or the RTDB itself)', async () => {
    const before = await warm(one, a);
    await outside.insert(
      Array.from({ length: 250 }, (_, n) => ({
        name: `outside-${n}`,
        status: 'stopped',
        project: 'stats_outside',
      })),
    );
    const inserted = await eventually(a, (s) => s.total === before.total + 250);
    expect(inserted.by_status.stopped).toBe(before.by_status.stopped + 250);
    expect(project(inserted, 'stats_outside')?.total).toBe(250);

    // A project change sends no status in the live event: only the invalidate trigger tells.
    await warm(one, a);
    await outside.update('stats_outside', { project: 'stats_outside_moved' });
    const moved = await eventually(a, (s) => project(s, 'stats_outside_moved')?.total === 250);
    expect(project(moved, 'stats_outside')).toBeUndefined();
    expect(project(moved, 'stats_outside_moved')?.total).toBe(250);

    await warm(one, a);
    await outside.update('stats_outside_moved', { status: 'prepare' });
    const prepared = await eventually(
      a,
      (s) => project(s, 'stats_outside_moved')?.by_status.prepare === 250,
    );
    expect(prepared.by_status.prepare).toBe(before.by_status.prepare + 250);
    expect(prepared.by_status.stopped).toBe(before.by_status.stopped);

    await warm(one, a);
    await outside.remove('stats_outside_moved');
    expect(await eventually(a, (s) => s.total === before.total)).toEqual(before);
  });
});
