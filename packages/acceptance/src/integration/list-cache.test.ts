// The bots list cache against real Postgres: a list read after a write is fresh on the instance
// that wrote, and, within a short poll, on a second instance sharing the database (through the
// NOTIFYs, not the TTL: it is set far longer than any wait here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { endpoints, type Bot } from '@bot-mox/contracts';
import type { RequestBodyOf, RequestQueryOf } from '@bot-mox/contracts/client';
import type { RunningServer } from '@bot-mox/backend';
import { startPostgres, type StartedPostgres } from '../harness/postgres.ts';
import { client, mintToken, startApi, type Client } from './support.ts';

let db: StartedPostgres;
let one: RunningServer;
let two: RunningServer;
let a: Client;
let b: Client;

const noTtl = { LIST_CACHE_TTL_MS: '600000' };

beforeAll(async () => {
  db = await startPostgres();
  [one, two] = await Promise.all([startApi(db.url, noTtl), startApi(db.url, noTtl)]);
  const token = await mintToken();
  a = client(one.url, token);
  b = client(two.url, token);
});
afterAll(async () => {
  await Promise.all([one?.shutdown(), two?.shutdown()]);
  await db?.stop();
});

type Query = RequestQueryOf<typeof endpoints.listBots>;

const list = (c: Client, query: Query) => c.api.call(endpoints.listBots, { query });
const names = async (c: Client, query: Query) =>
  (await list(c, query)).items.map((x) => x.name).sort();
const createBot = (c: Client, body: RequestBodyOf<typeof endpoints.createBots>) =>
  c.api.call(endpoints.createBots, { body });
const updateBot = (c: Client, id: string, body: RequestBodyOf<typeof endpoints.updateBots>) =>
  c.api.call(endpoints.updateBots, { params: { id }, body });

/** Reads `query` on `c` until it lists `expected` (or 3 s pass), and returns what it listed. */
async function eventually(c: Client, query: Query, expected: string[]): Promise<string[]> {
  const until = Date.now() + 3000;
  for (;;) {
    const got = await names(c, query);
    if (JSON.stringify(got) === JSON.stringify(expected) || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Lists on `server` until a read comes from its cache (a late NOTIFY may clear it once). */
async function warm(server: RunningServer, c: Client, query: Query): Promise<string[]> {
  const cache = server.listCaches.get('bots')!;
  let listed = await names(c, query);
  for (let i = 0; i < 5; i++) {
    const hits = cache.hits;
    const again = await names(c, query);
    if (cache.hits > hits) {
      expect(again).toEqual(listed);
      return again;
    }
    listed = again;
  }
  throw new Error(`GET /bots?${JSON.stringify(query)} never came from the cache`);
}

describe('bots list cache', () => {
  it('a list read after a write on the same instance is fresh', async () => {
    const q: Query = { project: 'cache_same', status: 'idle' };
    expect(await warm(one, a, q)).toEqual([]);
    const bot = await createBot(a, { name: 'same-1', project: 'cache_same', status: 'idle' });
    expect(await warm(one, a, q)).toEqual(['same-1']);

    await updateBot(a, bot.id, { status: 'running' });
    expect(await names(a, q)).toEqual([]);

    // No live event for a tag change (the trigger only reports status, name, project).
    const tagged: Query = { project: 'cache_same', tag: 'fresh-tag' };
    expect(await warm(one, a, tagged)).toEqual([]);
    await updateBot(a, bot.id, { tags: ['fresh-tag'] });
    expect(await names(a, tagged)).toEqual(['same-1']);

    await a.api.call(endpoints.deleteBots, { params: { id: bot.id } });
    expect(await names(a, tagged)).toEqual([]);
  });

  it('a list read after a write by a second instance sharing the database is fresh', async () => {
    const q: Query = { project: 'cache_two', tag: 't1' };
    expect(await warm(one, a, q)).toEqual([]);
    const bot = await createBot(b, { name: 'two-1', project: 'cache_two', tags: ['t1'] });
    expect(await eventually(a, q, ['two-1'])).toEqual(['two-1']);

    // A change the live-event trigger ignores still reaches the other instance.
    await warm(one, a, q);
    await updateBot(b, bot.id, { tags: ['t2'] });
    expect(await eventually(a, q, [])).toEqual([]);

    const vm: Query = { project: 'cache_two' };
    await warm(one, a, vm);
    await updateBot(b, bot.id, { vm_name: 'VM-77' });
    const until = Date.now() + 3000;
    let item: Bot | undefined;
    do {
      item = (await list(a, vm)).items[0];
      if (item?.vm_name === 'VM-77') break;
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() < until);
    expect(item?.vm_name).toBe('VM-77');

    await b.api.call(endpoints.deleteBots, { params: { id: bot.id } });
    expect(await eventually(a, vm, [])).toEqual([]);
  });

  it('a status change made in SQL, outside any backend, reaches the cache through the live event', async () => {
    const bot = await createBot(a, { name: 'sql-1', project: 'cache_sql', status: 'idle' });
    const q: Query = { project: 'cache_sql', status: 'idle' };
    expect(await warm(one, a, q)).toEqual(['sql-1']);
    const conn = new pg.Client({ connectionString: db.url });
    await conn.connect();
    try {
      await conn.query(`update bots set status = 'banned' where id = $1`, [bot.id]);
    } finally {
      await conn.end();
    }
    expect(await eventually(a, q, [])).toEqual([]);
  });

  it('a tag change made in SQL, outside any backend, reaches the cache through the invalidate trigger', async () => {
    await createBot(a, { name: 'sql-tag', project: 'cache_sql_tag', tags: ['old'] });
    const q: Query = { project: 'cache_sql_tag' };
    expect(await warm(one, a, q)).toEqual(['sql-tag']);
    const conn = new pg.Client({ connectionString: db.url });
    await conn.connect();
    try {
      await conn.query(`update bots set tags = array['new'] where project = 'cache_sql_tag'`);
    } finally {
      await conn.end();
    }
    const until = Date.now() + 3000;
    let tags: string[] | undefined;
    do {
      tags = (await list(a, q)).items[0]?.tags;
      if (tags?.[0] === 'new') break;
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() < until);
    expect(tags).toEqual(['new']);
  });
});
