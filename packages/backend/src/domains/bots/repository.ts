import type { Bot, BotCreate, BotListQuery, BotUpdate } from '@bot-mox/contracts';
import type { CollectionRepository } from '../../platform/repository.ts';

/** Bots, whatever stores them. Implementations: KyselyBotsRepository (Supabase). */
export type BotsRepository = CollectionRepository<Bot, BotCreate, BotUpdate, BotListQuery>;
