import { Router } from 'express';
import { endpoints } from '@bot-mox/contracts';
import { mountCollection } from '../../platform/http/collection.ts';
import { mount, type MountContext } from '../../platform/http/endpoint.ts';
import type { BodyCache } from '../../platform/list-cache.ts';
import type { BotsRepository } from './repository.ts';

/**
 * `listCache`: bot lists and stats are the same for every caller (one database role, no per-user
 * rows), so one cache serves all; it must be invalidated by bots' live events and invalidations.
 */
export function botsRoutes(ctx: MountContext, repo: BotsRepository, listCache?: BodyCache): Router {
  const router = Router();
  // Before the collection, so that /bots/stats is not read as a bot id. Cached with the lists:
  // the same writes and NOTIFYs clear both.
  mount(router, ctx, endpoints.botStats, () => repo.stats(), { cache: listCache });
  mountCollection(
    router,
    ctx,
    {
      list: endpoints.listBots,
      create: endpoints.createBots,
      get: endpoints.getBots,
      update: endpoints.updateBots,
      delete: endpoints.deleteBots,
    },
    repo,
    'bot',
    { listCache },
  );
  return router;
}
