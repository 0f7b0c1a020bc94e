import { Router } from 'express';
import { endpoints } from '@bot-mox/contracts';
import { mount, type MountContext } from '../../platform/http/endpoint.ts';
import type { ArtifactsService } from './service.ts';

export function artifactsRoutes(ctx: MountContext, service: ArtifactsService): Router {
  const router = Router();
  mount(router, ctx, endpoints.listArtifactInstallers, ({ query }) => service.list(query));
  mount(router, ctx, endpoints.createArtifactInstaller, ({ body }) => service.create(body));
  mount(router, ctx, endpoints.completeArtifactInstaller, ({ params }) =>
    service.complete(params.id),
  );
  // JSON by default; ?redirect=1 answers 302 to the presigned URL (for plain links and curl -L).
  mount(router, ctx, endpoints.downloadArtifactInstaller, async ({ params, query, req }) => {
    const link = await service.download(params.id);
    if (query.redirect) {
      req.res!.setHeader('Cache-Control', 'no-store');
      req.res!.redirect(302, link.url);
      return undefined as never;
    }
    return link;
  });
  mount(router, ctx, endpoints.deleteArtifactInstaller, ({ params }) => service.delete(params.id));
  return router;
}
