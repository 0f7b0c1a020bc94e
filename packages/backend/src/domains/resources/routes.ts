import { Router } from 'express';
import { endpoints } from '@bot-mox/contracts';
import { mountCollection } from '../../platform/http/collection.ts';
import type { MountContext } from '../../platform/http/endpoint.ts';
import type { ResourcesRepositories } from './repository.ts';

export function resourcesRoutes(ctx: MountContext, repos: ResourcesRepositories): Router {
  const router = Router();
  const e = endpoints;
  mountCollection(
    router,
    ctx,
    {
      list: e.listLicenses,
      create: e.createLicenses,
      get: e.getLicenses,
      update: e.updateLicenses,
      delete: e.deleteLicenses,
    },
    repos.licenses,
    'license',
  );
  mountCollection(
    router,
    ctx,
    {
      list: e.listProxies,
      create: e.createProxies,
      get: e.getProxies,
      update: e.updateProxies,
      delete: e.deleteProxies,
    },
    repos.proxies,
    'proxy',
  );
  mountCollection(
    router,
    ctx,
    {
      list: e.listSubscriptions,
      create: e.createSubscriptions,
      get: e.getSubscriptions,
      update: e.updateSubscriptions,
      delete: e.deleteSubscriptions,
    },
    repos.subscriptions,
    'subscription',
  );
  return router;
}
