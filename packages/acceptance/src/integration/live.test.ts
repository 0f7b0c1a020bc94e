// Live events over WebSocket from two backend instances sharing one store (Postgres, and the
// legacy RTDB on the firebase-server stand-in), WebSocket auth, and the SIGTERM drain of a real
// server process with a request in flight.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import WebSocket from 'ws';
import type { LiveEvent } from '@bot-mox/contracts';
import {
  endpoints,
  WS_CLOSE_FORBIDDEN,
  WS_CLOSE_UNAUTHORIZED,
  WsMessage,
  type Bot,
} from '@bot-mox/contracts';
import type { RunningServer } from '@bot-mox/backend';
import { repoRoot } from '../harness/manifest.ts';
import { startPostgres, type StartedPostgres } from '../harness/postgres.ts';
import { rtdbWrite, startRtdb, type StartedRtdb } from '../harness/rtdb.ts';
import { client, mintToken, startApi, testEnv } from './support.ts';

let db: StartedPostgres;
let token: string;

beforeAll(async () => {
  db = await startPostgres();
  token = await mintToken();
});
afterAll(async () => {
  await db?.stop();
});

interface Listener {
  ws: WebSocket;
  events: LiveEvent[];
  closed: Promise<number>;
  waitFor(pred: (e: LiveEvent) => boolean, ms?: number): Promise<LiveEvent>;
}

function wsUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/api/v1/ws`;
}

/** Connects and resolves after the server's hello (from then on it is subscribed). */
function listen(url: string, protocols?: string[]): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    const events: LiveEvent[] = [];
    const waiters: { pred: (e: LiveEvent) => boolean; resolve: (e: LiveEvent) => void }[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('unexpected-response', (_req, res) =>
      reject(new Error(`upgrade refused: ${res.statusCode}`)),
    );
    ws.on('error', reject);
    ws.on('message', (data) => {
      const msg = WsMessage.parse(JSON.parse(String(data)));
      if (msg.type === 'hello') {
        resolve({
          ws,
          events,
          closed,
          waitFor: (pred, ms = 5000) => {
            const hit = events.find(pred);
            if (hit) return Promise.resolve(hit);
            return new Promise((res, rej) => {
              const timer = setTimeout(
                () => rej(new Error(`no such event in time; got ${JSON.stringify(events)}`)),
                ms,
              );
              waiters.push({ pred, resolve: (e) => (clearTimeout(timer), res(e)) });
            });
          },
        });
        return;
      }
      events.push(msg);
      for (const w of waiters.splice(0)) {
        if (w.pred(msg)) w.resolve(msg);
        else waiters.push(w);
      }
    });
  });
}

/**
 * How the server ends a connection it will not serve: `http <status>` if it refuses the
 * upgrade, or `close <code>` if it upgrades and then closes without a hello or any event.
 */
function refusal(url: string, protocols?: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.on('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
    ws.on('message', (data) => reject(new Error(`a refused socket got ${String(data)}`)));
    ws.on('close', (code) => resolve(`close ${code}`));
    ws.on('error', () => {});
  });
}

/**
 * Two instances on one store: a bot created on one and changed on the other, and an operation;
 * both sockets get each event exactly once.
 */
async function bothDeliverEveryEvent(one: RunningServer, two: RunningServer): Promise<void> {
  const a = await listen(wsUrl(one.url), ['bearer', token]);
  const b = await listen(`${wsUrl(two.url)}?access_token=${token}`);
  expect(a.ws.protocol).toBe('bearer');

  const { api } = client(one.url, token);
  const bot = await api.call(endpoints.createBots, {
    body: { name: 'live', project: 'wow_tbc' },
  });
  await client(two.url, token).api.call(endpoints.updateBots, {
    params: { id: bot.id },
    body: { status: 'running' },
  });
  await api.call(endpoints.createOperations, {
    body: {
      type: 'income',
      category: 'gold_sale',
      amount: '42.00',
      currency: 'EUR',
      occurred_at: '2025-05-05T00:00:00Z',
      bot_id: bot.id,
    },
  });

  for (const l of [a, b]) {
    await l.waitFor((e) => e.type === 'bot.changed' && e.id === bot.id && e.op === 'insert');
    const update = await l.waitFor(
      (e) => e.type === 'bot.changed' && e.id === bot.id && e.op === 'update',
    );
    expect(update).toMatchObject({ status: 'running', previous_status: 'prepare' });
    const op = await l.waitFor((e) => e.type === 'finance.operation_created');
    expect(op).toMatchObject({ amount: '42.00', currency: 'EUR', bot_id: bot.id });
  }
  // Each event exactly once per connection.
  expect(a.events.filter((e) => e.type === 'bot.changed').length).toBe(2);
  expect(b.events.filter((e) => e.type === 'bot.changed').length).toBe(2);
  a.ws.close();
  b.ws.close();
}

describe('WebSocket /api/v1/ws', () => {
  let one: RunningServer;
  let two: RunningServer;
  beforeAll(async () => {
    one = await startApi(db.url);
    two = await startApi(db.url);
  });
  afterAll(async () => {
    await one?.shutdown();
    await two?.shutdown();
  });

  it('two instances on one database both deliver every event', async () => {
    await bothDeliverEveryEvent(one, two);
  });

  it('closes with 4401 without a valid token and 4403 for the anon role; 404 elsewhere', async () => {
    const unauthorized = `close ${WS_CLOSE_UNAUTHORIZED}`;
    expect(await refusal(wsUrl(one.url))).toBe(unauthorized);
    expect(await refusal(`${wsUrl(one.url)}?access_token=garbage`)).toBe(unauthorized);
    expect(
      await refusal(wsUrl(one.url), [
        'bearer',
        await mintToken({ role: 'authenticated', aud: 'x' }),
      ]),
    ).toBe(unauthorized);
    expect(await refusal(wsUrl(one.url), ['bearer', await mintToken({ role: 'anon' })])).toBe(
      `close ${WS_CLOSE_FORBIDDEN}`,
    );
    expect(
      await refusal(`${one.url.replace(/^http/, 'ws')}/api/v1/elsewhere?access_token=${token}`),
    ).toBe('http 404');
  });

  it('closes an open socket with 4401 when its token expires', async () => {
    const l = await listen(wsUrl(one.url), [
      'bearer',
      await mintToken(undefined, { expiresIn: '2s' }),
    ]);
    expect(await l.closed).toBe(WS_CLOSE_UNAUTHORIZED);
  });

  it('delivers events again after its database connection is cut', async () => {
    const l = await listen(wsUrl(one.url), ['bearer', token]);
    const admin = new pg.Client({ connectionString: db.adminUrl });
    await admin.connect();
    await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'bot-mox-events'`,
    );
    await admin.end();
    const { api } = client(two.url, token);
    let bot: Bot | undefined;
    // The listener reconnects with backoff; retry the change until an event arrives.
    for (
      let i = 0;
      i < 20 && !l.events.some((e) => e.type === 'bot.changed' && e.id === bot?.id);
      i++
    ) {
      bot = await api.call(endpoints.createBots, {
        body: { name: `after-cut-${i}`, project: 'wow_tbc' },
      });
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(l.events.some((e) => e.type === 'bot.changed' && e.id === bot?.id)).toBe(true);
    l.ws.close();
  });
});

describe('WebSocket /api/v1/ws, DATA_BACKEND=rtdb', () => {
  let rtdb: StartedRtdb;
  let one: RunningServer;
  let two: RunningServer;
  beforeAll(async () => {
    rtdb = await startRtdb({});
    // firebase-admin reads the emulator's address from the process environment.
    process.env.FIREBASE_DATABASE_EMULATOR_HOST = rtdb.emulatorHost;
    const env = {
      DATA_BACKEND: 'rtdb',
      RTDB_URL: rtdb.url,
      FIREBASE_DATABASE_EMULATOR_HOST: rtdb.emulatorHost,
    };
    one = await startApi(db.url, env);
    two = await startApi(db.url, env);
  });
  afterAll(async () => {
    await one?.shutdown();
    await two?.shutdown();
    await rtdb?.stop();
    delete process.env.FIREBASE_DATABASE_EMULATOR_HOST;
  });

  it('two instances on the legacy store both deliver every event', async () => {
    await bothDeliverEveryEvent(one, two);
  });

  it('delivers changes made in the RTDB outside any backend, and only those that matter', async () => {
    const l = await listen(wsUrl(one.url), ['bearer', token]);
    const key = '-outsideBackend00001';
    const bot = {
      name: 'outside',
      project: 'wow_tbc',
      status: 'Running',
      createdAt: 1,
      updatedAt: 1,
    };
    await rtdbWrite(rtdb, 'PUT', `bots/${key}`, bot);
    // A legacy capitalised status reads as the import reads it.
    expect(await l.waitFor((e) => e.type === 'bot.changed' && e.id === key)).toMatchObject({
      op: 'insert',
      status: 'running',
      previous_status: null,
    });
    // A change to no field an event carries is no event (as the Postgres trigger).
    await rtdbWrite(rtdb, 'PATCH', `bots/${key}`, { vmName: 'VM-1' });
    await rtdbWrite(rtdb, 'PATCH', `bots/${key}`, { status: 'banned' });
    const update = await l.waitFor(
      (e) => e.type === 'bot.changed' && e.id === key && e.op === 'update',
    );
    expect(update).toMatchObject({ status: 'banned', previous_status: 'running' });
    await rtdbWrite(rtdb, 'DELETE', `bots/${key}`);
    expect(
      await l.waitFor((e) => e.type === 'bot.changed' && e.id === key && e.op === 'delete'),
    ).toMatchObject({ status: null, previous_status: 'banned' });
    // A record the import rejects (no name) is not served, so it is no event either.
    await rtdbWrite(rtdb, 'PUT', 'bots/-outsideBackend00002', { project: 'wow_tbc' });
    await rtdbWrite(rtdb, 'PUT', 'bots/-outsideBackend00003', { name: 'last', project: 'aion' });
    await l.waitFor((e) => e.type === 'bot.changed' && e.id === '-outsideBackend00003');
    expect(l.events.map((e) => (e.type === 'bot.changed' ? `${e.op} ${e.id}` : e.type))).toEqual([
      `insert ${key}`,
      `update ${key}`,
      `delete ${key}`,
      'insert -outsideBackend00003',
    ]);
    l.ws.close();
  });
});

describe('SIGTERM drain', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('ready turns 503 at once, in-flight requests finish, WebSocket clients get 1001, exit 0', async () => {
    const env = {
      ...process.env,
      ...testEnv(db.url, {
        LOG_LEVEL: 'info',
        SHUTDOWN_DELAY_MS: '1500',
        SHUTDOWN_TIMEOUT_MS: '10000',
      }),
    };
    child = spawn(
      process.execPath,
      ['--conditions=@bot-mox/source', path.join(repoRoot, 'packages/backend/src/main.ts')],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    const logs: string[] = [];
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no listening line: ${logs.join('\n')}`)),
        20_000,
      );
      createInterface({ input: child!.stdout! }).on('line', (line) => {
        logs.push(line);
        const rec = JSON.parse(line) as { msg?: string; port?: number };
        if (rec.msg === 'listening' && rec.port) {
          clearTimeout(timer);
          resolve(rec.port);
        }
      });
      child!.stderr!.on('data', (d) => logs.push(String(d)));
    });
    const url = `http://127.0.0.1:${port}`;
    const { api } = client(url, token);
    const bot = await api.call(endpoints.createBots, {
      body: { name: 'drain', project: 'wow_tbc' },
    });
    const ws = await listen(wsUrl(url), ['bearer', token]);

    // Hold the bot's row so that a PATCH through the server waits in flight.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('begin');
    await locker.query('select id from bots where id = $1 for update', [bot.id]);
    const inFlight = api.call(endpoints.updateBots, {
      params: { id: bot.id },
      body: { status: 'stopped' },
    });
    await new Promise((r) => setTimeout(r, 300));

    const t0 = Date.now();
    child.kill('SIGTERM');
    expect(await ws.closed).toBe(1001);
    // Raw: the draining answer's status and Connection header are under test.
    const ready = await fetch(`${url}/api/v1/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('connection')).toBe('close');
    expect(
      ((await ready.json()) as { checks: Record<string, { ok: boolean }> }).checks.draining?.ok,
    ).toBe(false);

    // After the drain delay it stops accepting connections while the PATCH is still waiting.
    await new Promise((r) => setTimeout(r, 2000));
    await expect(fetch(`${url}/api/v1/health/live`)).rejects.toThrow();
    expect(child.exitCode).toBeNull();

    await locker.query('commit');
    const committed = Date.now();
    await locker.end();
    // Resolves only on the contract's 200.
    expect((await inFlight).status).toBe('stopped');
    expect(await exited).toBe(0);
    // Exit follows the last response promptly: no waiting on idle keep-alive sockets.
    expect(Date.now() - committed).toBeLessThan(1500);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
