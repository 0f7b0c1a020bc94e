// The WebSocket hub on a real HTTP server: auth refusals are close codes after the upgrade (what
// a browser can read), and an open socket is closed with 4401 when its token expires.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import {
  WS_CLOSE_FORBIDDEN,
  WS_CLOSE_UNAUTHORIZED,
  WS_PATH,
  type LiveEvent,
} from '@bot-mox/contracts';
import { mintJwt } from '../../test-support/jwt.ts';
import { createTokenVerifier } from '../auth.ts';
import { createLogger } from '../logger.ts';
import { WsHub } from './ws.ts';

const SECRET = 'w'.repeat(40);

const token = (claims: Record<string, unknown>, exp: string | number = '1h') =>
  mintJwt(SECRET, claims, { expiresIn: exp });
const user = (exp?: string | number) =>
  token({ role: 'authenticated', aud: 'authenticated', sub: 'u1' }, exp);

interface Closed {
  /** The close code, or the HTTP status if the upgrade was refused. */
  code: number;
  reason: string;
  at: number;
}

interface Connection {
  ws: WebSocket;
  opened: boolean;
  messages: { type: string }[];
  closed: Promise<Closed>;
}

function connect(url: string, protocols?: string[]): Connection {
  const ws = new WebSocket(url, protocols);
  const conn: Connection = {
    ws,
    opened: false,
    messages: [],
    closed: new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: String(reason), at: Date.now() }));
      ws.on('unexpected-response', (_req, res) => {
        resolve({ code: res.statusCode ?? 0, reason: 'HTTP', at: Date.now() });
        res.resume();
      });
    }),
  };
  ws.on('open', () => (conn.opened = true));
  ws.on('message', (data) => conn.messages.push(JSON.parse(String(data)) as { type: string }));
  ws.on('error', () => {});
  return conn;
}

const event: LiveEvent = {
  type: 'bot.changed',
  op: 'delete',
  id: 'b1',
  status: null,
  previous_status: null,
  at: '2026-11-30T09:00:00.000Z',
};

describe('WsHub', () => {
  let server: Server;
  let hub: WsHub;
  let url: string;

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(404).end());
    hub = new WsHub({
      verify: createTokenVerifier({
        secret: SECRET,
        jwksUrl: undefined,
        audience: 'authenticated',
        issuer: undefined,
      }),
      log: createLogger('silent'),
      heartbeatMs: 60_000,
      maxBufferedBytes: 1 << 20,
      isDraining: () => false,
    });
    hub.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${WS_PATH}`;
  });
  afterAll(async () => {
    hub.close();
    await new Promise((r) => server.close(r));
  });

  it('completes the upgrade and closes with 4401/4403 on a missing, bad or wrong-role token', async () => {
    const refused = [
      { conn: connect(url), code: WS_CLOSE_UNAUTHORIZED, reason: 'token required' },
      { conn: connect(`${url}?access_token=garbage`), code: WS_CLOSE_UNAUTHORIZED },
      {
        conn: connect(url, ['bearer', await token({ role: 'authenticated', aud: 'x' })]),
        code: WS_CLOSE_UNAUTHORIZED,
        reason: 'claim aud invalid',
      },
      {
        conn: connect(url, ['bearer', await user(Math.floor(Date.now() / 1000) - 60)]),
        code: WS_CLOSE_UNAUTHORIZED,
        reason: 'token expired',
      },
      {
        conn: connect(url, ['bearer', await token({ role: 'anon' })]),
        code: WS_CLOSE_FORBIDDEN,
        reason: 'role may not subscribe',
      },
    ];
    // An accepted client alongside: events broadcast meanwhile must reach only it.
    const accepted = connect(`${url}?access_token=${await user()}`);
    await vi.waitFor(() => expect(accepted.messages[0]?.type).toBe('hello'));
    const broadcasting = setInterval(() => hub.broadcast(event), 5);
    try {
      for (const { conn, code, reason } of refused) {
        const closed = await conn.closed;
        expect(closed.code).toBe(code);
        expect(conn.opened).toBe(true);
        if (reason) expect(closed.reason).toBe(reason);
        expect(conn.messages).toEqual([]);
      }
    } finally {
      clearInterval(broadcasting);
    }
    expect(hub.size).toBe(1);
    hub.broadcast(event);
    await vi.waitFor(() =>
      expect(accepted.messages.some((m) => m.type === 'bot.changed')).toBe(true),
    );
    accepted.ws.close();
    await vi.waitFor(() => expect(hub.size).toBe(0));
  });

  it('keeps HTTP statuses for a wrong path', async () => {
    const conn = connect(url.replace(WS_PATH, '/api/v1/elsewhere'));
    expect(await conn.closed).toMatchObject({ code: 404, reason: 'HTTP' });
    expect(conn.opened).toBe(false);
  });

  it('closes an open socket with 4401 when its token expires', { timeout: 15_000 }, async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const conn = connect(url, ['bearer', await user(exp)]);
    const closed = await Promise.race([
      conn.closed,
      new Promise<Closed>((r) =>
        setTimeout(() => r({ code: 0, reason: 'still open', at: Date.now() }), 8000),
      ),
    ]);
    expect(conn.messages[0]?.type).toBe('hello');
    expect(closed).toMatchObject({ code: WS_CLOSE_UNAUTHORIZED, reason: 'token expired' });
    // Not before exp (timers may run a little early against Date.now) and not long after.
    expect(closed.at).toBeGreaterThanOrEqual(exp * 1000 - 100);
    expect(closed.at).toBeLessThan(exp * 1000 + 5000);
    expect(hub.size).toBe(0);
  });

  it('keeps a socket whose token expires beyond the timer range open, without overflowing a timer', async () => {
    // Node runs an overflowing setTimeout after 1 ms and says so with this warning.
    const overflows: string[] = [];
    const onWarning = (w: Error) => {
      if (w.name === 'TimeoutOverflowWarning') overflows.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      const conn = connect(url, ['bearer', await user('60d')]);
      await vi.waitFor(() => expect(conn.messages[0]?.type).toBe('hello'));
      await new Promise((r) => setTimeout(r, 200));
      expect(conn.ws.readyState).toBe(WebSocket.OPEN);
      expect(overflows).toEqual([]);
      conn.ws.close();
      expect((await conn.closed).code).toBe(1005);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
