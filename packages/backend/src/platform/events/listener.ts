// One dedicated Postgres connection LISTENs on the events channel. Every backend replica has its
// own, so each delivers every event to its WebSocket clients. Reconnects with backoff.
// A second channel carries cache invalidations (a collection's name), sent by statement
// triggers on every write by any writer (supabase/migrations/*_bots_invalidate_trigger.sql).
import pg from 'pg';
import type { Logger } from 'pino';
import { LiveEvent } from '@bot-mox/contracts';
import type { ReadinessCheck } from '../health.ts';

export const EVENTS_CHANNEL = 'botmox_events';
export const INVALIDATE_CHANNEL = 'botmox_invalidate';

export class EventListener {
  readonly #url: string;
  readonly #log: Logger;
  readonly #subscribers = new Set<(event: LiveEvent) => void>();
  readonly #invalidations = new Set<(collection: string) => void>();
  readonly #connectionWatchers = new Set<(connected: boolean) => void>();
  #client: pg.Client | undefined;
  #connected = false;
  #stopped = false;
  #retryMs = 250;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(url: string, log: Logger) {
    this.#url = url;
    this.#log = log;
  }

  get connected(): boolean {
    return this.#connected;
  }

  subscribe(fn: (event: LiveEvent) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  onInvalidate(fn: (collection: string) => void): () => void {
    this.#invalidations.add(fn);
    return () => this.#invalidations.delete(fn);
  }

  /** Called whenever listening starts or stops (notifications may have been missed around it). */
  onConnectionChange(fn: (connected: boolean) => void): () => void {
    this.#connectionWatchers.add(fn);
    return () => this.#connectionWatchers.delete(fn);
  }

  #setConnected(connected: boolean): void {
    if (this.#connected === connected) return;
    this.#connected = connected;
    for (const fn of this.#connectionWatchers) fn(connected);
  }

  /** Resolves once listening, or after the first failure (it keeps retrying in the background). */
  async start(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: 'bot-mox-events',
      connectionTimeoutMillis: 3000,
    });
    this.#client = client;
    client.on('notification', (msg) =>
      msg.channel === INVALIDATE_CHANNEL
        ? this.#invalidate(msg.payload)
        : this.#dispatch(msg.payload),
    );
    client.on('error', (err) => {
      this.#log.warn({ err: { message: err.message } }, 'events connection failed');
      this.#lost(client);
    });
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`listen ${EVENTS_CHANNEL}; listen ${INVALIDATE_CHANNEL}`);
      this.#setConnected(true);
      this.#retryMs = 250;
      this.#log.info('listening for live events');
    } catch (err) {
      this.#log.warn({ err: { message: (err as Error).message } }, 'events connection failed');
      this.#lost(client);
    }
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#setConnected(false);
    client.removeAllListeners('notification');
    client.end().catch(() => {});
    if (this.#stopped) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#connect(), this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, 10_000);
  }

  #dispatch(payload: string | undefined): void {
    let event: LiveEvent;
    try {
      event = LiveEvent.parse(JSON.parse(payload ?? ''));
    } catch {
      this.#log.warn('ignoring a malformed live event');
      return;
    }
    for (const fn of this.#subscribers) fn(event);
  }

  #invalidate(collection: string | undefined): void {
    if (!collection) return;
    for (const fn of this.#invalidations) fn(collection);
  }

  readinessCheck(): ReadinessCheck {
    return {
      name: 'events',
      check: async () => (this.#connected ? { ok: true } : { ok: false, detail: 'not listening' }),
    };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    this.#setConnected(false);
    if (client) await client.end().catch(() => {});
  }
}
