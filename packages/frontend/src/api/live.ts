/**
 * The live connection to `/api/v1/ws`. The JWT goes as the `access_token` query parameter
 * (browsers cannot set headers on a WebSocket). It reconnects with exponential backoff and
 * jitter, reconnects at once when the browser comes back online, and reports its status so
 * the shell can show when the app is offline.
 *
 * The server refuses a token by closing with 4401 (missing, bad or expired; also when an open
 * socket's token expires) or 4403 (role). Neither is retried here: a 4401 goes to
 * `onUnauthorized`, whose owner refreshes the session and connects again with the new token;
 * a 4403 would be refused again whatever the token, so it just stays 'unauthorized'.
 */
import { WS_CLOSE_FORBIDDEN, WS_CLOSE_UNAUTHORIZED } from '@bot-mox/contracts';

export type LiveStatus =
  'idle' | 'connecting' | 'open' | 'reconnecting' | 'unauthorized' | 'closed';

export interface LiveSocketOptions {
  url: string;
  getToken: () => Promise<string | null> | string | null;
  onMessage: (data: unknown) => void;
  onStatus?: (status: LiveStatus, detail: { attempt: number; retryInMs?: number }) => void;
  onUnauthorized?: () => void;
  WebSocketImpl?: typeof WebSocket;
  /** First retry delay; doubles per attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

export function backoffDelay(
  attempt: number,
  base: number,
  max: number,
  random: () => number,
): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  // Full jitter on the upper half so that many tabs do not reconnect in lockstep.
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export class LiveSocket {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private status: LiveStatus = 'idle';
  private readonly options: Required<Omit<LiveSocketOptions, 'onStatus' | 'onUnauthorized'>> &
    Pick<LiveSocketOptions, 'onStatus' | 'onUnauthorized'>;

  constructor(options: LiveSocketOptions) {
    this.options = {
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      random: Math.random,
      ...options,
      // An explicit `undefined` (App passes its optional prop through) must not erase the default.
      WebSocketImpl: options.WebSocketImpl ?? globalThis.WebSocket,
    };
  }

  get currentStatus(): LiveStatus {
    return this.status;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (typeof window !== 'undefined') window.addEventListener('online', this.handleOnline);
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (typeof window !== 'undefined') window.removeEventListener('online', this.handleOnline);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= 1) socket.close(1000, 'client stopped');
    this.setStatus('closed');
  }

  /** Reconnect now (e.g. after the token changed). */
  reconnect(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= 1) socket.close(1000, 'reconnect');
    this.attempt = 0;
    void this.connect();
  }

  private readonly handleOnline = () => {
    if (this.status === 'reconnecting') this.reconnect();
  };

  private setStatus(status: LiveStatus, retryInMs?: number) {
    this.status = status;
    this.options.onStatus?.(status, { attempt: this.attempt, retryInMs });
  }

  private async connect(): Promise<void> {
    const token = await this.options.getToken();
    if (this.stopped) return;
    if (!token) {
      this.setStatus('unauthorized');
      return;
    }
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const url = new URL(this.options.url);
    url.searchParams.set('access_token', token);
    let socket: WebSocket;
    try {
      socket = new this.options.WebSocketImpl(url.toString());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setStatus('open');
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket) return;
      let data: unknown = event.data;
      if (typeof data === 'string') {
        try {
          data = JSON.parse(data);
        } catch {
          return;
        }
      }
      this.options.onMessage(data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      if (event.code === WS_CLOSE_UNAUTHORIZED || event.code === WS_CLOSE_FORBIDDEN) {
        this.setStatus('unauthorized');
        if (event.code === WS_CLOSE_UNAUTHORIZED) this.options.onUnauthorized?.();
        return;
      }
      this.scheduleRetry();
    };
    // An error is always followed by close; nothing to do here but keep it from surfacing.
    socket.onerror = () => undefined;
  }

  private scheduleRetry() {
    this.attempt += 1;
    const delay = backoffDelay(
      this.attempt,
      this.options.baseDelayMs,
      this.options.maxDelayMs,
      this.options.random,
    );
    this.setStatus('reconnecting', delay);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }
}
