import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '@bot-mox/contracts';
import { ListCache, ListCaches, type ListCacheOptions } from './list-cache.ts';

function setup(opts: Partial<ListCacheOptions> = {}) {
  const clock = { now: 1_000, live: true };
  const cache = new ListCache<string>({
    maxEntries: 3,
    ttlMs: 5_000,
    live: () => clock.live,
    now: () => clock.now,
    ...opts,
  });
  return { cache, clock };
}

const botChanged: LiveEvent = {
  type: 'bot.changed',
  op: 'update',
  id: '00000000-0000-4000-8000-000000000001',
  status: 'idle',
  previous_status: 'running',
  at: '2026-11-26T10:00:00.000Z',
};

describe('ListCache', () => {
  it('serves a stored value without loading again', async () => {
    const { cache } = setup();
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await cache.read('a', load)).toBe('v1');
    expect(await cache.read('a', load)).toBe('v1');
    expect(await cache.read('b', load)).toBe('v2');
    expect(loads).toBe(2);
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
  });

  it('keeps at most maxEntries, dropping the least recently used', () => {
    const { cache } = setup();
    for (const k of ['a', 'b', 'c']) cache.set(k, k, cache.generation);
    expect(cache.get('a')).toBe('a'); // a is now the most recently used
    cache.set('d', 'd', cache.generation);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => cache.get(k))).toEqual(['a', 'c', 'd']);
  });

  it('expires entries after the TTL', () => {
    const { cache, clock } = setup();
    cache.set('a', 'a', cache.generation);
    clock.now += 4_999;
    expect(cache.get('a')).toBe('a');
    clock.now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('an invalidation clears it, and a load that overlapped it is not stored', async () => {
    const { cache } = setup();
    cache.set('a', 'old', cache.generation);
    cache.invalidate();
    expect(cache.get('a')).toBeUndefined();

    let release!: (v: string) => void;
    const slow = cache.read('a', () => new Promise<string>((r) => (release = r)));
    cache.invalidate(); // a write committed while the read was in flight
    release('maybe-old');
    expect(await slow).toBe('maybe-old');
    expect(cache.get('a')).toBeUndefined();
  });

  it('neither serves nor stores while not live (events listener down)', async () => {
    const { cache, clock } = setup();
    cache.set('a', 'a', cache.generation);
    clock.live = false;
    expect(cache.get('a')).toBeUndefined();
    let loads = 0;
    await cache.read('b', async () => `b${++loads}`);
    await cache.read('b', async () => `b${++loads}`);
    expect(loads).toBe(2);
    clock.live = true;
    expect(cache.get('b')).toBeUndefined();
  });

  it('is off with maxEntries or ttlMs 0', () => {
    for (const off of [{ maxEntries: 0 }, { ttlMs: 0 }]) {
      const { cache } = setup(off);
      cache.set('a', 'a', cache.generation);
      expect(cache.get('a')).toBeUndefined();
    }
  });
});

describe('ListCaches', () => {
  function caches() {
    const state = { live: true };
    const all = new ListCaches({ maxEntries: 10, ttlMs: 5_000, live: () => state.live });
    const bots = all.register('bots', (e) => e.type === 'bot.changed');
    const notes = all.register('notes');
    const body = Buffer.from('[]');
    const fill = () => {
      bots.set('k', body, bots.generation);
      notes.set('k', body, notes.generation);
    };
    return { all, bots, notes, fill, state };
  }

  it('a live event clears the collections it concerns, and only those', () => {
    const { all, bots, notes, fill } = caches();
    fill();
    all.onEvent(botChanged);
    expect(bots.get('k')).toBeUndefined();
    expect(notes.get('k')).toBeDefined();
    all.onEvent({
      type: 'finance.operation_created',
      id: botChanged.id,
      operation_type: 'income',
      amount: '1.00',
      currency: 'USD',
      bot_id: null,
      at: botChanged.at,
    });
    expect(notes.get('k')).toBeDefined();
  });

  it('an invalidation names its collection; a listener reconnect clears everything', () => {
    const { all, bots, notes, fill } = caches();
    fill();
    all.invalidate('bots');
    all.invalidate('unknown');
    expect(bots.get('k')).toBeUndefined();
    expect(notes.get('k')).toBeDefined();
    fill();
    all.invalidateAll();
    expect([bots.get('k'), notes.get('k')]).toEqual([undefined, undefined]);
  });

  it('register returns the same cache for a collection', () => {
    const { all, bots } = caches();
    expect(all.register('bots')).toBe(bots);
    expect(all.get('bots')).toBe(bots);
  });
});
