import { WsMessage, type Bot, type BotStatus, type LiveEvent } from '@bot-mox/contracts';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { PageOf } from '@bot-mox/contracts';
import { keys } from './paths';

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

function apply(queryClient: QueryClient, event: LiveEvent) {
  switch (event.type) {
    case 'bot.changed':
      if (event.op === 'update' && event.status) {
        const { id, status, at } = event;
        queryClient.setQueriesData<BotsCache>({ queryKey: keys.bots }, (data) =>
          patchBotsCache(data, id, status, at),
        );
        // Other fields may have changed too: mark stale without refetching under the user's eyes.
        void queryClient.invalidateQueries({ queryKey: keys.bots, refetchType: 'none' });
        // Counts have no rows to patch (and adding to them twice would drift): ask the server.
        void queryClient.invalidateQueries({ queryKey: keys.botStats });
      } else {
        void queryClient.invalidateQueries({ queryKey: keys.bots });
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
