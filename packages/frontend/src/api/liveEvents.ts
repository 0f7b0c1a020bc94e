import { WsMessage, type Bot, type BotStatus, type LiveEvent } from '@bot-mox/contracts';
import { partialMatchKey, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import type { PageOf } from '@bot-mox/contracts';
import { keys } from './keys';

// Also BotStats (under keys.bots too): none of these shapes, left as is.
type BotsCache = Bot | Bot[] | InfiniteData<PageOf<Bot>> | PageOf<Bot> | undefined;

function withStatus(bot: Bot, id: string, status: BotStatus, at: string): Bot {
  return bot.id === id ? { ...bot, status, updated_at: at } : bot;
}

/** Applies a status change to every cached shape of bots (one bot, plain list, page, pages). */
export function patchBotsCache(
  data: BotsCache,
  id: string,
  status: BotStatus,
  at: string,
): BotsCache {
  if (!data) return data;
  if (Array.isArray(data)) return data.map((b) => withStatus(b, id, status, at));
  if ('pages' in data) {
    return {
      ...data,
      pages: data.pages.map((p) => ({
        ...p,
        items: p.items.map((b) => withStatus(b, id, status, at)),
      })),
    };
  }
  if ('items' in data)
    return { ...data, items: data.items.map((b) => withStatus(b, id, status, at)) };
  if ('id' in data && 'status' in data) return withStatus(data, id, status, at);
  return data;
}

/** How long bot events are gathered before the counts are fetched again once for all of them. */
export const BOT_STATS_REFRESH_MS = 300;
const statsRefresh = new WeakMap<QueryClient, ReturnType<typeof setTimeout>>();

/** One stats refetch per burst of bot events (a mass restart sends one event per bot). */
function refreshBotStatsSoon(queryClient: QueryClient) {
  if (statsRefresh.has(queryClient)) return;
  const timer = setTimeout(() => {
    statsRefresh.delete(queryClient);
    void queryClient.invalidateQueries({ queryKey: keys.botStats });
  }, BOT_STATS_REFRESH_MS);
  statsRefresh.set(queryClient, timer);
}

function apply(queryClient: QueryClient, event: LiveEvent) {
  switch (event.type) {
    case 'bot.changed':
      // Counts have no rows to patch (and adding to them twice would drift): ask the server.
      refreshBotStatsSoon(queryClient);
      if (event.op === 'update' && event.status) {
        const { id, status, at } = event;
        queryClient.setQueriesData<BotsCache>({ queryKey: keys.bots }, (data) =>
          patchBotsCache(data, id, status, at),
        );
        // Other fields may have changed too: mark stale without refetching under the user's eyes.
        void queryClient.invalidateQueries({ queryKey: keys.bots, refetchType: 'none' });
      } else {
        // The lists now; the counts once per burst (above).
        void queryClient.invalidateQueries({
          queryKey: keys.bots,
          predicate: (q) => !partialMatchKey(q.queryKey, keys.botStats),
        });
      }
      return;
    case 'finance.operation_created':
      void queryClient.invalidateQueries({ queryKey: ['finance'] });
      return;
    case 'artifact.uploaded':
      void queryClient.invalidateQueries({ queryKey: keys.artifacts });
      return;
  }
}

/** Handles one WebSocket message; returns true when it was a domain event. Unknown messages are ignored. */
export function applyLiveEvent(queryClient: QueryClient, raw: unknown): boolean {
  const parsed = WsMessage.safeParse(raw);
  if (!parsed.success || parsed.data.type === 'hello') return false;
  apply(queryClient, parsed.data);
  return true;
}
