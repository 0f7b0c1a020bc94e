import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { botStats, page } from '../test/fixtures';
import { applyLiveEvent, BOT_STATS_REFRESH_MS } from './liveEvents';
import { keys } from './keys';

const event = (n: number, op: 'insert' | 'update' | 'delete') => ({
  type: 'bot.changed',
  op,
  id: `bot_${n}`,
  status: op === 'delete' ? null : 'running',
  previous_status: op === 'insert' ? null : 'idle',
  at: '2026-11-02T10:00:00.000Z',
});

describe('bot events and the bot counts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('refetch the counts once per burst, while lists refetch at once', async () => {
    const queryClient = new QueryClient();
    const fetches = { stats: 0, list: 0 };
    const watch = (queryKey: readonly unknown[], queryFn: () => unknown) =>
      new QueryObserver(queryClient, { queryKey, queryFn }).subscribe(() => {});
    watch(keys.botStats, () => (fetches.stats++, botStats()));
    watch([...keys.bots, 'list', {}], () => (fetches.list++, page([])));
    await vi.advanceTimersByTimeAsync(0);
    expect(fetches).toEqual({ stats: 1, list: 1 });

    applyLiveEvent(queryClient, event(1, 'insert'));
    await vi.advanceTimersByTimeAsync(0);
    expect(fetches).toEqual({ stats: 1, list: 2 });
    for (let n = 2; n <= 100; n++) {
      applyLiveEvent(queryClient, event(n, n % 2 ? 'update' : 'delete'));
    }
    await vi.advanceTimersByTimeAsync(BOT_STATS_REFRESH_MS - 1);
    expect(fetches.stats).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetches.stats).toBe(2);

    // The next burst gets its own refetch.
    applyLiveEvent(queryClient, event(101, 'update'));
    await vi.advanceTimersByTimeAsync(BOT_STATS_REFRESH_MS);
    expect(fetches.stats).toBe(3);
    queryClient.clear();
  });
});
