import type {
  Bot,
  BotCreate,
  BotListQuery,
  BotStats,
  BotUpdate,
  LiveEvent,
} from '@bot-mox/contracts';
import type { CollectionRepository } from '../../platform/repository.ts';

/** Bots, whatever stores them. Implementations: KyselyBotsRepository (Supabase). */
export interface BotsRepository extends CollectionRepository<
  Bot,
  BotCreate,
  BotUpdate,
  BotListQuery
> {
  /** Totals over every bot: all, per status, per project (each with its per-status counts). */
  stats(): Promise<BotStats>;
}

/** Names the bots in list caches and in cache invalidations. */
export const BOTS_COLLECTION = 'bots';

/** Live events that change bot lists (the trigger sends them for writes by anyone). */
export const botsInvalidatedBy = (event: LiveEvent): boolean => event.type === 'bot.changed';
