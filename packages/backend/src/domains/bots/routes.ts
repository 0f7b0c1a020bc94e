import { Router } from 'express';
import { endpoints } from '@bot-mox/contracts';
import { mountCollection } from '../../platform/http/collection.ts';
import type { MountContext } from '../../platform/http/endpoint.ts';
import type { BodyCache } from '../../platform/list-cache.ts';
import type { BotsRepository } from './repository.ts';

/**
 * `listCache`: bot lists are the same for every caller (one database role, no per-user rows), so
 * one cache serves all; it must be invalidated by bots' live events and invalidations.
 */
export function botsRoutes(ctx: MountContext, repo: BotsRepository, listCache?: BodyCache): Router {
  const router = Router();
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
