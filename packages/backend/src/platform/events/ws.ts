// WebSocket /api/v1/ws: authenticated with the API's JWT (sub-protocols `bearer, <jwt>` or
// `?access_token=`), fed by the EventListener. Ping/pong heartbeats find dead peers; a client
// whose unsent data exceeds a limit is dropped rather than buffered without bound.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import { WS_BEARER_PROTOCOL, WS_PATH, type LiveEvent, type WsHello } from '@bot-mox/contracts';
import { API_ROLES, AuthError, type TokenVerifier } from '../auth.ts';

interface Client {
  ws: WebSocket;
  alive: boolean;
}

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
    const token = tokenFromUpgrade(req);
    if (!token) return rejectUpgrade(socket, 401, 'Unauthorized', 'A token is required.');
    let role: string;
    try {
      role = (await this.#opts.verify(token)).role;
    } catch (err) {
      return rejectUpgrade(
        socket,
        401,
        'Unauthorized',
        err instanceof AuthError ? err.message : 'invalid token',
      );
    }
    if (!API_ROLES.includes(role as (typeof API_ROLES)[number])) {
      return rejectUpgrade(socket, 403, 'Forbidden', 'This role may not subscribe.');
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
  }

  #accept(ws: WebSocket): void {
    const client: Client = { ws, alive: true };
    this.#clients.add(client);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('close', () => this.#clients.delete(client));
    ws.on('error', () => ws.terminate());
    // Clients only listen; anything they send is ignored.
    const hello: WsHello = { type: 'hello', server_time: new Date().toISOString() };
    ws.send(JSON.stringify(hello));
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
    for (const c of this.#clients) c.ws.close(code, reason);
    this.#wss.close();
  }
}
