// Every /api/v1 route against each data backend: real Postgres (the manifest image,
// supabase/migrations applied) and the legacy RTDB (DATA_BACKEND=rtdb on the firebase-server
// stand-in, artifacts still on Postgres): happy paths, at least three bad inputs per route, auth,
// conflicts, pagination, the finance summary. The same contracts, so the same tests.
// Calls the contract allows go through the typed client (responses checked by schema, statuses by
// the endpoint table); inputs it refuses to compile (wrong types, unknown fields, malformed JSON
// or ids) and the token checks are sent raw, as an attacker would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot, BotPage, Operation, OperationPage } from '@bot-mox/contracts';
import {
  endpoints,
  BOT_SORTS,
  CALENDAR_SORTS,
  LICENSE_SORTS,
  NOTE_SORTS,
  OPERATION_SORTS,
  PROXY_SORTS,
  SUBSCRIPTION_SORTS,
  TASK_SORTS,
} from '@bot-mox/contracts';
import { ReadyResponse, type Endpoint, type Endpoints } from '@bot-mox/contracts';
import type { RequestBodyOf, RequestQueryOf } from '@bot-mox/contracts/client';
import type { RunningServer } from '@bot-mox/backend';
import { summarizeOperations } from '@bot-mox/backend/test-support';
import { startPostgres, type StartedPostgres } from '../harness/postgres.ts';
import { startRtdb, type StartedRtdb } from '../harness/rtdb.ts';
import { expectApiProblem, expectProblem } from '../harness/problem.ts';
import { client, mintToken, startApi, type Client } from './support.ts';

let pg: StartedPostgres;
let rtdb: StartedRtdb | undefined;
let api: RunningServer;
let c: Client;
let anonymous: Client;
let botA: Bot;
let botB: Bot;

const MISSING = '00000000-0000-4000-8000-000000000000';

type CollectionName =
  | 'Bots'
  | 'Licenses'
  | 'Proxies'
  | 'Subscriptions'
  | 'Notes'
  | 'Tasks'
  | 'CalendarEvents'
  | 'Operations';

interface CollectionCase<N extends CollectionName = CollectionName> {
  /** The collection's name in the endpoint table (listBots, createBots...). */
  name: N;
  /** For the raw calls. */
  path: string;
  create: () => RequestBodyOf<Endpoints[`create${N}`]>;
  patch: () => RequestBodyOf<Endpoints[`update${N}`]>;
  filter: () => RequestQueryOf<Endpoints[`list${N}`]>;
  badCreate: [string, unknown][];
  badList: string[];
}

/** Checks a case's bodies and filter against its own collection's endpoints. */
const collectionCase = <N extends CollectionName>(k: CollectionCase<N>): CollectionCase => k;

interface Row {
  id: string;
  updated_at: string;
  [field: string]: unknown;
}

/**
 * A case's five calls through the typed client. One loose signature for the eight collections:
 * each case's bodies were typed against its endpoints by collectionCase.
 */
function crud(k: CollectionCase, on: Client = c) {
  type LooseCall = (endpoint: Endpoint, options?: object) => Promise<unknown>;
  const call = on.api.call.bind(on.api) as LooseCall;
  const e = (op: 'list' | 'create' | 'get' | 'update' | 'delete') => endpoints[`${op}${k.name}`];
  return {
    create: (body: object = k.create()) => call(e('create'), { body }) as Promise<Row>,
    get: (id: string) => call(e('get'), { params: { id } }) as Promise<Row>,
    patch: (id: string, body: object = k.patch()) =>
      call(e('update'), { params: { id }, body }) as Promise<Row>,
    list: (query: object) => call(e('list'), { query }) as Promise<{ items: Row[] }>,
    remove: (id: string) => call(e('delete'), { params: { id } }),
  };
}

const collections: Record<string, CollectionCase> = {
  bots: collectionCase({
    name: 'Bots',
    path: '/bots',
    create: () => ({
      name: 'gamma',
      project: 'wow_classic',
      tags: ['ru'],
      character: { name: 'Char1', level: 10, server: 'Firemaw', faction: 'horde' },
    }),
    patch: () => ({ status: 'banned' }),
    filter: () => ({ status: 'banned', project: 'wow_classic' }),
    badCreate: [
      ['missing project', { name: 'x' }],
      ['bad status', { name: 'x', project: 'p', status: 'Flying' }],
      ['tags not an array', { name: 'x', project: 'p', tags: 'eu' }],
      ['unknown field', { name: 'x', project: 'p', owner: 'me' }],
    ],
    badList: ['status=Running', 'limit=1000', 'sort=colour', 'created_from=yesterday'],
  }),
  licenses: collectionCase({
    name: 'Licenses',
    path: '/resources/licenses',
    create: () => ({
      key: `KEY-${Math.random()}`,
      type: 'multi',
      expires_at: '2030-01-01T00:00:00.000Z',
      bot_ids: [botA.id, botB.id],
    }),
    patch: () => ({ status: 'revoked', bot_ids: [botA.id] }),
    filter: () => ({ status: 'revoked', bot_id: botA.id }),
    badCreate: [
      ['bad type', { key: 'k', type: 'sin' }],
      ['bot_ids not ids', { key: 'k', type: 'trial', bot_ids: [12] }],
      ['expires_at not a timestamp', { key: 'k', type: 'trial', expires_at: 1700000000000 }],
    ],
    badList: ['type=sin', 'expires_from=2025-13-01', 'limit=abc'],
  }),
  proxies: collectionCase({
    name: 'Proxies',
    path: '/resources/proxies',
    create: () => ({
      ip: `10.0.0.${Math.floor(Math.random() * 250) + 1}`,
      port: 3128,
      provider: 'iproyal',
      country: 'DE',
      bot_id: botA.id,
    }),
    patch: () => ({ status: 'banned', port: 3129 }),
    filter: () => ({ status: 'banned', provider: 'iproyal', country: 'DE' }),
    badCreate: [
      ['bad ip', { ip: '300.1.1.1', port: 80, provider: 'x' }],
      ['port as string', { ip: '1.1.1.1', port: '80', provider: 'x' }],
      ['bad country', { ip: '1.1.1.1', port: 80, provider: 'x', country: 'Germany' }],
    ],
    badList: ['status=dead', 'country=de', 'cursor=%%%'],
  }),
  subscriptions: collectionCase({
    name: 'Subscriptions',
    path: '/resources/subscriptions',
    create: () => ({
      name: 'VPN',
      type: 'service',
      price: '12.50',
      currency: 'EUR',
      renews_at: '2026-01-01T00:00:00.000Z',
    }),
    patch: () => ({ price: '13.00' }),
    filter: () => ({ type: 'service', currency: 'EUR' }),
    badCreate: [
      ['price as a number', { name: 'VPN', type: 'service', price: 12.5, currency: 'EUR' }],
      ['zero price', { name: 'VPN', type: 'service', price: '0.00', currency: 'EUR' }],
      ['bad currency', { name: 'VPN', type: 'service', price: '1.00', currency: 'euro' }],
    ],
    badList: [
      'currency=eur',
      'type=other',
      'renews_from=2026-01-01T00:00:00Z&renews_to=2025-01-01T00:00:00Z',
    ],
  }),
  notes: collectionCase({
    name: 'Notes',
    path: '/workspace/notes',
    create: () => ({
      title: 'перезапустить ферму',
      content: 'line1\nline2\n\ttabbed "quoted"',
      pinned: true,
    }),
    patch: () => ({ pinned: false, content: 'done' }),
    filter: () => ({ pinned: 'false' }),
    badCreate: [
      ['empty title', { title: '' }],
      ['pinned as string', { title: 't', pinned: 'true' }],
      ['unknown field', { title: 't', color: 'red' }],
    ],
    badList: ['pinned=perhaps', 'sort=title', 'limit=-1'],
  }),
  tasks: collectionCase({
    name: 'Tasks',
    path: '/workspace/tasks',
    create: () => ({ title: 'renew proxies', due_at: '2026-02-01T10:00:00.000Z', bot_id: botB.id }),
    patch: () => ({ status: 'done' }),
    filter: () => ({ status: 'done', bot_id: botB.id }),
    badCreate: [
      ['bad status', { title: 't', status: 'later' }],
      ['due_at not a timestamp', { title: 't', due_at: 'tomorrow' }],
      ['bot_id not an id', { title: 't', bot_id: 'not an id!' }],
    ],
    badList: ['status=later', 'due_from=x', 'bot_id=%20'],
  }),
  calendar: collectionCase({
    name: 'CalendarEvents',
    path: '/workspace/calendar',
    create: () => ({ title: 'renew licenses', date: '2026-03-15', note: 'all of them' }),
    patch: () => ({ date: '2026-03-16' }),
    filter: () => ({ from: '2026-03-01', to: '2026-04-01' }),
    badCreate: [
      ['bad date', { title: 't', date: '2026-02-30' }],
      ['timestamp instead of date', { title: 't', date: '2026-03-15T00:00:00Z' }],
      ['missing date', { title: 't' }],
    ],
    badList: ['from=15.03.2026', 'sort=-title', 'from=2026-04-01&to=2026-03-01'],
  }),
  operations: collectionCase({
    name: 'Operations',
    path: '/finance/operations',
    create: () => ({
      type: 'income',
      category: 'gold_sale',
      amount: '1241.71',
      currency: 'USD',
      occurred_at: '2025-06-01T12:00:00.000Z',
      bot_id: botA.id,
      comment: 'оплата',
    }),
    patch: () => ({ amount: '1241.72' }),
    filter: () => ({
      type: 'income',
      currency: 'USD',
      bot_id: botA.id,
      from: '2025-06-01T00:00:00Z',
      to: '2025-07-01T00:00:00Z',
    }),
    badCreate: [
      [
        'amount as a float',
        {
          type: 'income',
          category: 'x',
          amount: 0.1,
          currency: 'USD',
          occurred_at: '2025-01-01T00:00:00Z',
        },
      ],
      [
        'unparseable amount',
        {
          type: 'income',
          category: 'x',
          amount: 'n/a',
          currency: 'USD',
          occurred_at: '2025-01-01T00:00:00Z',
        },
      ],
      [
        'capitalised type',
        {
          type: 'Income',
          category: 'x',
          amount: '1.00',
          currency: 'USD',
          occurred_at: '2025-01-01T00:00:00Z',
        },
      ],
      [
        'three decimals',
        {
          type: 'income',
          category: 'x',
          amount: '1.005',
          currency: 'USD',
          occurred_at: '2025-01-01T00:00:00Z',
        },
      ],
    ],
    badList: ['type=gift', 'currency=usd', 'sort=amount_desc'],
  }),
};

const BACKENDS = ['supabase', 'rtdb'] as const;
/** Ids each store hands out: UUIDs in Postgres, push ids in RTDB. */
const ID_FORMAT = {
  supabase: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  rtdb: /^[-_0-9A-Za-z]{20}$/,
};

describe.each(BACKENDS)('DATA_BACKEND=%s', (backend) => {
  beforeAll(async () => {
    pg = await startPostgres();
    if (backend === 'rtdb') {
      rtdb = await startRtdb({});
      // firebase-admin reads the emulator's address from the process environment.
      process.env.FIREBASE_DATABASE_EMULATOR_HOST = rtdb.emulatorHost;
      api = await startApi(pg.url, {
        DATA_BACKEND: 'rtdb',
        RTDB_URL: rtdb.url,
        FIREBASE_DATABASE_EMULATOR_HOST: rtdb.emulatorHost,
      });
    } else {
      api = await startApi(pg.url);
    }
    c = client(api.url, await mintToken());
    anonymous = client(api.url, '');
    botA = await c.api.call(endpoints.createBots, {
      body: { name: 'alpha', project: 'wow_tbc', status: 'running', tags: ['eu', 'farm'] },
    });
    botB = await c.api.call(endpoints.createBots, {
      body: { name: 'beta', project: 'lineage2', status: 'idle' },
    });
  });

  afterAll(async () => {
    await api?.shutdown('test end');
    await pg?.stop();
    await rtdb?.stop();
    rtdb = undefined;
    delete process.env.FIREBASE_DATABASE_EMULATOR_HOST;
  });

  describe.each(Object.entries(collections))('%s', (_name, k) => {
    let created: Row;

    it('create → get → patch → list with filters → delete', async () => {
      const calls = crud(k);
      created = await calls.create();
      expect(created.id).toMatch(ID_FORMAT[backend]);
      expect(await calls.get(created.id)).toEqual(created);
      const patched = await calls.patch(created.id);
      expect(patched).toMatchObject(k.patch());
      const page = await calls.list(k.filter());
      expect(page.items.map((i) => i.id)).toContain(created.id);
      // Resolves only on the contract's 204.
      await expect(calls.remove(created.id)).resolves.toBeUndefined();
      await expectApiProblem(calls.get(created.id), 404);
    });

    it.each(k.badCreate)('create: 400 for %s, naming the field', async (_what, body) => {
      const p = await expectProblem(await c.call('POST', k.path, body), 400);
      expect(p.errors?.length).toBeGreaterThan(0);
      for (const e of p.errors ?? []) expect(e.field).toMatch(/^body\./);
    });

    it('create: 400 for malformed JSON, 401 without a token', async () => {
      await expectProblem(await c.call('POST', k.path, '{"title": "x",'), 400);
      await expectProblem(await anonymous.call('POST', k.path, k.create()), 401);
    });

    it.each(k.badList)('list: 400 for ?%s', async (query) => {
      const p = await expectProblem(await c.call('GET', `${k.path}?${query}`), 400);
      expect(p.errors?.every((e) => e.field.startsWith('query.'))).toBe(true);
    });

    it('get/patch/delete: 404 for an unknown id, 400 for a malformed one, 401 without a token', async () => {
      const calls = crud(k);
      await expectApiProblem(calls.get(MISSING), 404);
      await expectApiProblem(calls.patch(MISSING), 404);
      await expectApiProblem(calls.remove(MISSING), 404);
      const bad = await expectProblem(await c.call('GET', `${k.path}/${'x'.repeat(65)}`), 400);
      expect(bad.errors?.[0]?.field).toBe('path.id');
      await expectProblem(await c.call('DELETE', `${k.path}/not%20an%20id`), 400);
      await expectProblem(await anonymous.call('GET', `${k.path}/${MISSING}`), 401);
      await expectProblem(await anonymous.call('DELETE', `${k.path}/${MISSING}`), 401);
    });

    it('patch: 400 for an empty body, an unknown field and a wrong type', async () => {
      const row = await crud(k).create();
      await expectProblem(await c.call('PATCH', `${k.path}/${row.id}`, {}), 400);
      const unknown = await expectProblem(
        await c.call('PATCH', `${k.path}/${row.id}`, { nope: 1 }),
        400,
      );
      expect(unknown.errors?.map((e) => e.field)).toContain('body.nope');
      const firstKey = Object.keys(k.patch())[0]!;
      const wrong = await expectProblem(
        await c.call('PATCH', `${k.path}/${row.id}`, { [firstKey]: { nested: true } }),
        400,
      );
      expect(wrong.errors?.map((e) => e.field)).toContain(`body.${firstKey}`);
    });
  });

  describe('references, conflicts and stores', () => {
    it('409 on a unique conflict (license key, proxy ip+port), naming the fields', async () => {
      await c.api.call(endpoints.createLicenses, { body: { key: 'DUP-1', type: 'trial' } });
      const p = await expectApiProblem(
        c.api.call(endpoints.createLicenses, { body: { key: 'DUP-1', type: 'single' } }),
        409,
      );
      expect(p.errors).toEqual([{ field: 'body.key', message: 'already exists' }]);
      await c.api.call(endpoints.createProxies, {
        body: { ip: '192.0.2.7', port: 8080, provider: 'proxy6' },
      });
      const q = await expectApiProblem(
        c.api.call(endpoints.createProxies, {
          body: { ip: '192.0.2.7', port: 8080, provider: 'x' },
        }),
        409,
      );
      expect(q.errors?.map((e) => e.field)).toEqual(['body.ip', 'body.port']);
    });

    it('400 for a reference to a bot that does not exist', async () => {
      const op = {
        type: 'expense',
        category: 'proxy',
        amount: '1.00',
        currency: 'USD',
        occurred_at: '2025-01-01T00:00:00Z',
      } as const;
      const p = await expectApiProblem(
        c.api.call(endpoints.createOperations, { body: { ...op, bot_id: MISSING } }),
        400,
      );
      expect(p.errors?.[0]?.field).toBe('body.bot_id');
      const l = await expectApiProblem(
        c.api.call(endpoints.createLicenses, {
          body: { key: 'K-404', type: 'trial', bot_ids: [botA.id, MISSING] },
        }),
        400,
      );
      expect(l.errors?.[0]?.field).toBe('body.bot_ids.1');
    });

    it('license bot bindings are kept and filterable', async () => {
      const lic = await c.api.call(endpoints.createLicenses, {
        body: { key: 'BIND-1', type: 'multi', bot_ids: [botB.id] },
      });
      expect(lic.bot_ids).toEqual([botB.id]);
      const page = await c.api.call(endpoints.listLicenses, { query: { bot_id: botB.id } });
      expect(page.items.map((l) => l.key)).toContain('BIND-1');
      expect(page.items.every((l) => l.bot_ids.includes(botB.id))).toBe(true);
    });

    it('operations name their bot; deleting the bot keeps the history (bot_id, bot_name null)', async () => {
      const bot = await c.api.call(endpoints.createBots, {
        body: { name: 'doomed', project: 'wow_tbc' },
      });
      const op = await c.api.call(endpoints.createOperations, {
        body: {
          type: 'income',
          category: 'account_sale',
          amount: '5.00',
          currency: 'EUR',
          occurred_at: '2025-02-02T00:00:00Z',
          bot_id: bot.id,
        },
      });
      expect(op.bot_name).toBe('doomed');
      const listed = await c.api.call(endpoints.listOperations, { query: { bot_id: bot.id } });
      expect(listed.items.map((o) => [o.id, o.bot_name])).toEqual([[op.id, 'doomed']]);
      const opOf = (id: string) => c.api.call(endpoints.getOperations, { params: { id } });
      const patchOp = (body: { bot_id: string }) =>
        c.api.call(endpoints.updateOperations, { params: { id: op.id }, body });
      await c.api.call(endpoints.updateBots, {
        params: { id: bot.id },
        body: { name: 'doomed-renamed' },
      });
      expect((await opOf(op.id)).bot_name).toBe('doomed-renamed');
      expect((await patchOp({ bot_id: botB.id })).bot_name).toBe('beta');
      await patchOp({ bot_id: bot.id });
      // Resolves only on the contract's 204.
      await expect(
        c.api.call(endpoints.deleteBots, { params: { id: bot.id } }),
      ).resolves.toBeUndefined();
      expect(await opOf(op.id)).toMatchObject({ bot_id: null, bot_name: null });
    });
  });

  describe('sorts', () => {
    // Each list in every order it offers: by the sort field, ties by id, a missing time after
    // every time (ascending) as Postgres orders it. Names sort by the database's collation, so
    // only their ties are checked here (pagination below).
    const SORTS: [string, readonly string[]][] = [
      ['/bots', BOT_SORTS],
      ['/resources/licenses', LICENSE_SORTS],
      ['/resources/proxies', PROXY_SORTS],
      ['/resources/subscriptions', SUBSCRIPTION_SORTS],
      ['/workspace/notes', NOTE_SORTS],
      ['/workspace/tasks', TASK_SORTS],
      ['/workspace/calendar', CALENDAR_SORTS],
      ['/finance/operations', OPERATION_SORTS],
    ];
    const key = (field: string, v: unknown): number =>
      v === null
        ? Number.POSITIVE_INFINITY
        : field === 'amount'
          ? Number(v)
          : Date.parse(String(v));
    it.each(SORTS)('%s: every sort orders the items', async (path, sorts) => {
      // One more item, so that every list has a few.
      const calls = crud(Object.values(collections).find((k) => k.path === path)!);
      await calls.create();
      for (const sort of sorts) {
        const field = sort.replace(/^-/, '');
        if (field === 'name') continue;
        const page = await calls.list({ sort, limit: 200 });
        expect(page.items.length, sort).toBeGreaterThan(0);
        const dir = sort.startsWith('-') ? -1 : 1;
        for (let i = 1; i < page.items.length; i++) {
          const [a, b] = [page.items[i - 1]!, page.items[i]!];
          const [x, y] = [key(field, a[field]), key(field, b[field])];
          const order = x === y ? 0 : dir * (x - y);
          expect(
            order,
            `${sort}: ${String(a[field])} before ${String(b[field])}`,
          ).toBeLessThanOrEqual(0);
          // Equal values (or two missing times): ties are ordered by id.
          if (order === 0) expect(dir * (String(a.id) < String(b.id) ? -1 : 1), sort).toBe(-1);
        }
      }
    });
  });

  describe('pagination', () => {
    it('walks every bot exactly once in a stable order, with ties on the sort key', async () => {
      for (let i = 0; i < 7; i++)
        await c.api.call(endpoints.createBots, {
          body: { name: 'same-name', project: 'paging', status: 'stopped' },
        });
      const seen: Bot[] = [];
      let cursor: string | null = null;
      do {
        const page: BotPage = await c.api.call(endpoints.listBots, {
          query: { project: 'paging', sort: '-name', limit: 3, cursor: cursor ?? undefined },
        });
        seen.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect(new Set(seen.map((b) => b.id)).size).toBe(7);
      const ids = seen.map((b) => b.id);
      expect(ids).toEqual([...ids].sort().reverse());
    });

    it('refuses a cursor made for another sort', async () => {
      const page = await c.api.call(endpoints.listBots, { query: { limit: 1, sort: 'name' } });
      expect(page.next_cursor).not.toBeNull();
      const p = await expectApiProblem(
        c.api.call(endpoints.listBots, {
          query: { limit: 1, sort: '-name', cursor: page.next_cursor! },
        }),
        400,
      );
      expect(p.errors?.[0]?.field).toBe('query.cursor');
    });
  });

  describe('finance summary', () => {
    /** Every operation, through the list's pages. */
    async function allOperations(): Promise<Operation[]> {
      const all: Operation[] = [];
      let cursor: string | null = null;
      do {
        const page: OperationPage = await c.api.call(endpoints.listOperations, {
          query: { limit: 200, cursor: cursor ?? undefined },
        });
        all.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      return all;
    }
    const summary = (query: RequestQueryOf<typeof endpoints.financeSummary> = {}) =>
      c.api.call(endpoints.financeSummary, { query });

    it('equals the exact in-memory totals over the same operations, and filters', async () => {
      const amounts = ['0.10', '0.20', '136.37', '671.85', '9999999999999.99'];
      for (const [i, amount] of amounts.entries()) {
        await c.api.call(endpoints.createOperations, {
          body: {
            type: i % 2 ? 'expense' : 'income',
            category: i % 2 ? 'proxy' : 'gold_sale',
            amount,
            currency: i === 4 ? 'RUB' : 'USD',
            occurred_at: `2024-0${i + 1}-15T08:00:00Z`,
            bot_id: botB.id,
          },
        });
      }
      const all = await allOperations();
      const whole = await summary();
      expect(whole).toEqual(summarizeOperations(all));
      const rub = whole.by_currency.find((t) => t.currency === 'RUB');
      expect(rub?.income).toBe('9999999999999.99');

      const filtered = await summary({
        bot_id: botB.id,
        currency: 'USD',
        from: '2024-01-01T00:00:00Z',
        to: '2024-03-01T00:00:00Z',
      });
      expect(filtered.by_currency).toEqual([
        { currency: 'USD', income: '0.10', expense: '0.20', net: '-0.10', operations: 2 },
      ]);
      expect(filtered.by_month.map((m) => m.month)).toEqual(['2024-01', '2024-02']);
      const byProject = await summary({ project: 'lineage2' });
      expect(byProject.by_currency.map((t) => t.currency).sort()).toEqual(['RUB', 'USD']);
    });

    it('the monthly rollup (month-aligned filters) and the raw scan agree, also after updates and deletes', async () => {
      const ops = await c.api.call(endpoints.listOperations, {
        query: { limit: 3, currency: 'USD' },
      });
      await c.api.call(endpoints.updateOperations, {
        params: { id: ops.items[0]!.id },
        body: { amount: '777.77', currency: 'EUR', occurred_at: '2023-12-31T23:59:59.999Z' },
      });
      // Resolves only on the contract's 204.
      await expect(
        c.api.call(endpoints.deleteOperations, { params: { id: ops.items[1]!.id } }),
      ).resolves.toBeUndefined();
      const all = await allOperations();
      // No filter: served by the rollup.
      expect(await summary()).toEqual(summarizeOperations(all));
      const rollup = await summary({ from: '2023-12-01T00:00:00Z', to: '2024-03-01T00:00:00Z' });
      // One millisecond off the month boundary: served by scanning operations.
      const scan = await summary({ from: '2023-12-01T00:00:00Z', to: '2024-03-01T00:00:00.001Z' });
      expect(rollup).toEqual(scan);
      const inRange = all.filter(
        (o) =>
          o.occurred_at >= '2023-12-01T00:00:00.000Z' && o.occurred_at < '2024-03-01T00:00:00.000Z',
      );
      expect(rollup).toEqual(summarizeOperations(inRange));
    });

    it('400 for bad filters, 401 without a token', async () => {
      // Raw: a currency and a field the contract refuses to compile.
      await expectProblem(await c.call('GET', '/finance/summary?currency=dollars'), 400);
      await expectApiProblem(
        summary({ from: '2025-01-01T00:00:00Z', to: '2024-01-01T00:00:00Z' }),
        400,
      );
      await expectProblem(await c.call('GET', '/finance/summary?group=month'), 400);
      await expectProblem(await anonymous.call('GET', '/finance/summary'), 401);
    });
  });

  describe('settings', () => {
    it('put → get → list', async () => {
      const put = await c.api.call(endpoints.putSettings, {
        params: { section: 'farm' },
        body: { data: { max_bots_per_vm: 8, default_project: 'wow_tbc' } },
      });
      expect(put.data).toEqual({ max_bots_per_vm: 8, default_project: 'wow_tbc' });
      expect(await c.api.call(endpoints.getSettings, { params: { section: 'farm' } })).toEqual(put);
      await c.api.call(endpoints.putSettings, {
        params: { section: 'general' },
        body: { data: { currency: 'USD', timezone: 'Europe/Moscow', language: 'ru' } },
      });
      const list = await c.api.call(endpoints.listSettings);
      expect(list.items.map((s) => s.section)).toEqual(['farm', 'general']);
    });

    it('400 for an unknown section, data of the wrong shape, and unknown fields; 404 for an unsaved one', async () => {
      // Raw: a section, a type and a field the contract refuses to compile.
      await expectProblem(await c.call('PUT', '/settings/theme', { data: {} }), 400);
      const p = await expectProblem(
        await c.call('PUT', '/settings/alerts', {
          data: { enabled: 'yes', telegram_chat_id: null, offline_minutes: 15 },
        }),
        400,
      );
      expect(p.errors?.map((e) => e.field)).toEqual(['body.data.enabled']);
      const u = await expectProblem(
        await c.call('PUT', '/settings/farm', {
          data: { max_bots_per_vm: 8, default_project: 'x' },
          extra: 1,
        }),
        400,
      );
      expect(u.errors?.map((e) => e.field)).toEqual(['body.extra']);
      await expectApiProblem(
        c.api.call(endpoints.getSettings, { params: { section: 'alerts' } }),
        404,
      );
      await expectProblem(await anonymous.call('GET', '/settings'), 401);
    });
  });

  describe('auth', () => {
    // Raw: the tokens themselves are under test.
    it('accepts service_role, refuses anon (403), expired (401), wrong audience (401), wrong secret (401)', async () => {
      const as = async (token: string) =>
        (await client(api.url, token).call('GET', '/bots?limit=1')).status;
      expect(await as(await mintToken({ role: 'service_role' }))).toBe(200);
      await expectProblem(
        await client(api.url, await mintToken({ role: 'anon' })).call('GET', '/bots'),
        403,
      );
      await expectProblem(
        await client(api.url, await mintToken(undefined, { expiresIn: '-5m' })).call(
          'GET',
          '/bots',
        ),
        401,
      );
      await expectProblem(
        await client(api.url, await mintToken({ role: 'authenticated', aud: 'other' })).call(
          'GET',
          '/bots',
        ),
        401,
      );
      await expectProblem(
        await client(api.url, await mintToken(undefined, { secret: 'y'.repeat(48) })).call(
          'GET',
          '/bots',
        ),
        401,
      );
      await expectProblem(await client(api.url, 'not.a.jwt').call('GET', '/bots'), 401);
    });
  });

  describe('health', () => {
    it('live, ready and health are public and report this build', async () => {
      expect(await anonymous.api.call(endpoints.healthLive)).toEqual({ status: 'live' });
      const ready = await anonymous.api.call(endpoints.healthReady);
      expect(Object.keys(ready.checks).sort()).toEqual(['database', 'events', 'migrations']);
      expect(await anonymous.api.call(endpoints.health)).toMatchObject({
        status: 'ok',
        version: '9.9.9-test',
        git_sha: 'testsha',
        image_tag: 'test-tag',
        data_backend: backend,
        supabase_ready: backend === 'supabase',
        s3_ready: false,
      });
    });

    // Without Postgres, DATA_BACKEND=rtdb still serves every domain: a Postgres-only case.
    it.runIf(backend === 'supabase')(
      '503 problems, not crashes, when the database is unreachable',
      async () => {
        const down = await startApi('postgres://postgres:x@127.0.0.1:1/postgres');
        try {
          const dc = client(down.url, c.token);
          const p = await expectApiProblem(dc.api.call(endpoints.listBots), 503);
          expect(p.detail).toContain('database');
          await expectApiProblem(dc.api.call(endpoints.createNotes, { body: { title: 'x' } }), 503);
          // Raw: ready's status code is under test, its 503 body is not a problem.
          const ready = await dc.call('GET', '/health/ready');
          expect(ready.status).toBe(503);
          const body = ReadyResponse.parse(await ready.json());
          expect(body.checks.database?.ok).toBe(false);
          expect((await dc.api.call(endpoints.health)).supabase_ready).toBe(false);
          expect(await dc.api.call(endpoints.healthLive)).toEqual({ status: 'live' });
        } finally {
          await down.shutdown();
        }
      },
    );
  });
});
