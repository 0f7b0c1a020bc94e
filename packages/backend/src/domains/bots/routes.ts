import { Router } from 'express';
import { endpoints } from '@bot-mox/contracts';
import { mountCollection } from '../../platform/http/collection.ts';
import type { MountContext } from '../../platform/http/endpoint.ts';
import type { BotsRepository } from './repository.ts';

export function botsRoutes(ctx: MountContext, repo: BotsRepository): Router {
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
  );
  return router;
}
