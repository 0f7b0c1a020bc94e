// In-process cache of list responses, for read-heavy lists. Freshness rests on invalidation, not
// on the TTL: this process's writes clear a collection's lists at once, Postgres NOTIFY clears them
// for writes by any process, and while the events listener is down nothing is served or stored
// (a NOTIFY missed then would leave a stale entry). The TTL only bounds a change that sent no
// NOTIFY (e.g. SQL from outside the backend that the live-event trigger ignores).
import type { LiveEvent } from '@bot-mox/contracts';

export interface ListCacheOptions {
  /** Entries kept (least recently used goes first); 0 disables the cache. */
  maxEntries: number;
  /** Longest an entry is served; 0 disables the cache. */
  ttlMs: number;
  /** True while invalidations can reach this process (the events listener is connected). */
  live: () => boolean;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expires: number;
}

export class ListCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #opts: ListCacheOptions;
  readonly #now: () => number;
  #generation = 0;
  hits = 0;
  misses = 0;

  constructor(opts: ListCacheOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get #enabled(): boolean {
    return this.#opts.maxEntries > 0 && this.#opts.ttlMs > 0 && this.#opts.live();
  }

  /**
   * Bumped by every invalidation. Read it before loading from the store and hand it to set(): a
   * load that overlapped a write may hold the old rows and must not be stored.
   */
  get generation(): number {
    return this.#generation;
  }

  get(key: string): V | undefined {
    if (!this.#enabled) return undefined;
    const entry = this.#entries.get(key);
    if (!entry || entry.expires <= this.#now()) {
      if (entry) this.#entries.delete(key);
      this.misses++;
      return undefined;
    }
    // Map keeps insertion order: re-inserting makes this the most recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    this.hits++;
    return entry.value;
  }

  set(key: string, value: V, generation: number): void {
    if (!this.#enabled || generation !== this.#generation) return;
    this.#entries.delete(key);
    while (this.#entries.size >= this.#opts.maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, { value, expires: this.#now() + this.#opts.ttlMs });
  }

  invalidate(): void {
    this.#generation++;
    this.#entries.clear();
  }

  /** The cached value, or load()'s, stored unless an invalidation came in between. */
  async read(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const generation = this.#generation;
    const value = await load();
    this.set(key, value, generation);
    return value;
  }
}

/** Serialised list bodies, one cache per collection (e.g. 'bots'). */
export type BodyCache = ListCache<Buffer>;

interface Registered {
  cache: BodyCache;
  invalidatedBy: (event: LiveEvent) => boolean;
}

/** The list caches of one process, and what invalidates them. */
export class ListCaches {
  readonly #opts: ListCacheOptions;
  readonly #caches = new Map<string, Registered>();

  constructor(opts: ListCacheOptions) {
    this.#opts = opts;
  }

  /** The cache of `collection`, created on first use; `invalidatedBy` picks its live events. */
  register(collection: string, invalidatedBy: (event: LiveEvent) => boolean = () => false) {
    let r = this.#caches.get(collection);
    if (!r) {
      r = { cache: new ListCache<Buffer>(this.#opts), invalidatedBy };
      this.#caches.set(collection, r);
    }
    return r.cache;
  }

  get(collection: string): BodyCache | undefined {
    return this.#caches.get(collection)?.cache;
  }

  /** A collection changed (named by a NOTIFY from a backend's own write). */
  invalidate(collection: string): void {
    this.#caches.get(collection)?.cache.invalidate();
  }

  /** A live event from the database (its triggers fire for writes by anyone). */
  onEvent(event: LiveEvent): void {
    for (const r of this.#caches.values()) if (r.invalidatedBy(event)) r.cache.invalidate();
  }

  /** The listener connected or dropped: what was cached may have missed a NOTIFY. */
  invalidateAll(): void {
    for (const r of this.#caches.values()) r.cache.invalidate();
  }
}
