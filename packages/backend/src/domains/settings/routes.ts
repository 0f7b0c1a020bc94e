import { Router } from 'express';
import { endpoints as e } from '@bot-mox/contracts';
import { mount, type MountContext } from '../../platform/http/endpoint.ts';
import type { SettingsService } from './service.ts';

export function settingsRoutes(ctx: MountContext, service: SettingsService): Router {
  const router = Router();
  mount(router, ctx, e.listSettings, () => service.list());
  mount(router, ctx, e.getSettings, ({ params }) => service.get(params.section));
  mount(router, ctx, e.putSettings, ({ params, body }) => service.put(params.section, body.data));
  return router;
}
