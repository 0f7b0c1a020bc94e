import { describe, expect, it } from 'vitest';
import { switchingRepositories, type Repositories } from './index.ts';

/** Repositories whose every method answers the store's name (enough to see where calls go). */
function store(name: string): Repositories {
  const repo = {
    name,
    list: function (this: { name: string }) {
      return Promise.resolve({ items: [this.name], next_cursor: null });
    },
    get: () => Promise.resolve(name),
  };
  const r = repo as unknown as never;
  return {
    bots: r,
    resources: { licenses: r, proxies: r, subscriptions: r },
    workspace: { notes: r, tasks: r, calendar: r },
    operations: r,
    settings: r,
  };
}

describe('switchingRepositories', () => {
  it('sends each call to the store current at that call, also through references held earlier', async () => {
    const stores = { rtdb: store('rtdb'), supabase: store('supabase') };
    let current: keyof typeof stores = 'rtdb';
    const repos = switchingRepositories(() => stores[current]);
    const { notes } = repos.workspace; // as routes hold them
    expect(await notes.get('x')).toBe('rtdb');
    current = 'supabase';
    expect(await notes.get('x')).toBe('supabase');
    // Methods keep their own `this`.
    expect((await repos.bots.list({} as never)).items).toEqual(['supabase']);
  });
});
