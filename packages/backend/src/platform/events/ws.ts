// WebSocket /api/v1/ws: authenticated with the API's JWT (sub-protocols `bearer, <jwt>` or
// `?access_token=`), fed by the EventListener. Ping/pong heartbeats find dead peers; a client
// whose unsent data exceeds a limit is dropped rather than buffered without bound.
//
// Auth failures are close codes, not HTTP statuses: a browser sees a refused upgrade only as
// 1006, so the upgrade completes and the socket is closed at once with 4401 (no, bad or expired
// token) or 4403 (role), before any hello or event. An accepted socket is closed with 4401 when
// its token's exp passes; the client then refreshes its session and reconnects.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import {
  WS_BEARER_PROTOCOL,
  WS_CLOSE_FORBIDDEN,
  WS_CLOSE_UNAUTHORIZED,
  WS_PATH,
  type LiveEvent,
  type WsHello,
} from '@bot-mox/contracts';
import { API_ROLES, AuthError, type TokenVerifier } from '../auth.ts';

/** setTimeout fires at once for delays above this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A close reason must fit in 123 bytes. */
const MAX_REASON_BYTES = 123;

interface Client {
  ws: WebSocket;
  alive: boolean;
  expiry?: NodeJS.Timeout;
}

type Verdict = { exp: number } | { code: number; reason: string };

export interface WsHubOptions {
  verify: TokenVerifier;
  log: Logger;
  heartbeatMs: number;
  maxBufferedBytes: number;
  isDraining: () => boolean;
}

function rejectUpgrade(socket: Duplex, status: number, title: string, detail: string): void {
  const body = JSON.stringify({
    type: `urn:problem:bot-mox:${title.toLowerCase().replace(/\s+/g, '-')}`,
    title,
    status,
    detail,
  });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function tokenFromUpgrade(req: IncomingMessage): string | undefined {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const fromQuery = url.searchParams.get('access_token');
  if (fromQuery) return fromQuery;
  const protocols = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const i = protocols.indexOf(WS_BEARER_PROTOCOL);
  return i >= 0 ? protocols[i + 1] : undefined;
}

export class WsHub {
  readonly #opts: WsHubOptions;
  readonly #wss: WebSocketServer;
  readonly #clients = new Set<Client>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(opts: WsHubOptions) {
    this.#opts = opts;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: 64 * 1024,
      handleProtocols: (protocols) =>
        protocols.has(WS_BEARER_PROTOCOL) ? WS_BEARER_PROTOCOL : false,
    });
    this.#heartbeat = setInterval(() => this.#beat(), opts.heartbeatMs);
    this.#heartbeat.unref();
  }

  get size(): number {
    return this.#clients.size;
  }

  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => void this.#upgrade(req, socket, head));
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) return rejectUpgrade(socket, 404, 'Not Found', 'No WebSocket here.');
    if (this.#opts.isDraining())
      return rejectUpgrade(socket, 503, 'Service Unavailable', 'Shutting down.');
    const verdict = await this.#authenticate(req);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      if ('code' in verdict) {
        // Refused: never in the client set, so no hello and no events reach it.
        ws.on('error', () => ws.terminate());
        ws.close(verdict.code, verdict.reason);
        return;
      }
      this.#accept(ws, verdict.exp);
    });
  }

  async #authenticate(req: IncomingMessage): Promise<Verdict> {
    const token = tokenFromUpgrade(req);
    if (!token) return { code: WS_CLOSE_UNAUTHORIZED, reason: 'token required' };
    let role: string;
    let exp: number;
    try {
      ({ role, exp } = await this.#opts.verify(token));
    } catch (err) {
      const reason = err instanceof AuthError ? err.message : 'invalid token';
      return {
        code: WS_CLOSE_UNAUTHORIZED,
        // AuthError messages may quote the token's header; keep the reason within the limit.
        reason: Buffer.byteLength(reason) <= MAX_REASON_BYTES ? reason : 'invalid token',
      };
    }
    if (!API_ROLES.includes(role as (typeof API_ROLES)[number])) {
      return { code: WS_CLOSE_FORBIDDEN, reason: 'role may not subscribe' };
    }
    // The verifier allows some clock skew; a socket must not open on a token already past exp.
    if (exp * 1000 <= Date.now()) return { code: WS_CLOSE_UNAUTHORIZED, reason: 'token expired' };
    return { exp };
  }

  #accept(ws: WebSocket, exp: number): void {
    const client: Client = { ws, alive: true };
    this.#clients.add(client);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('close', () => {
      clearTimeout(client.expiry);
      this.#clients.delete(client);
    });
    ws.on('error', () => ws.terminate());
    // Clients only listen; anything they send is ignored.
    const hello: WsHello = { type: 'hello', server_time: new Date().toISOString() };
    ws.send(JSON.stringify(hello));
    // Every accepted token has an exp (the verifier requires the claim), so every socket has a
    // deadline and none outlives its token.
    this.#closeAtExpiry(client, exp * 1000);
  }

  #closeAtExpiry(client: Client, expMs: number): void {
    const delay = expMs - Date.now();
    if (delay <= 0) {
      this.#clients.delete(client);
      client.ws.close(WS_CLOSE_UNAUTHORIZED, 'token expired');
      return;
    }
    // A delay beyond the timer's range re-arms instead of firing at once.
    client.expiry = setTimeout(
      () => this.#closeAtExpiry(client, expMs),
      Math.min(delay, MAX_TIMER_MS),
    );
    client.expiry.unref();
  }

  #beat(): void {
    for (const c of this.#clients) {
      if (!c.alive) {
        this.#opts.log.info('dropping a WebSocket client that missed a heartbeat');
        c.ws.terminate();
        this.#clients.delete(c);
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  broadcast(event: LiveEvent): void {
    const data = JSON.stringify(event);
    for (const c of this.#clients) {
      if (c.ws.readyState !== c.ws.OPEN) continue;
      if (c.ws.bufferedAmount > this.#opts.maxBufferedBytes) {
        this.#opts.log.warn(
          { buffered: c.ws.bufferedAmount },
          'dropping a WebSocket client too slow to keep up',
        );
        c.ws.terminate();
        this.#clients.delete(c);
        continue;
      }
      c.ws.send(data);
    }
  }

  /** Closes every client with `code` (1001 on shutdown) and stops accepting. */
  close(code = 1001, reason = 'server shutting down'): void {
    clearInterval(this.#heartbeat);
    for (const c of this.#clients) {
      clearTimeout(c.expiry);
      c.ws.close(code, reason);
    }
    this.#wss.close();
  }
}
