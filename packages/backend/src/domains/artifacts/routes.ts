import { Router } from 'express';
import { endpoints } from '@bot-mox/contracts';
import { mount, type MountContext } from '../../platform/http/endpoint.ts';
import { storageNotConfigured, type ArtifactsService } from './service.ts';

/** Without a service (no database, or no S3 behind it) every route answers 503 problem+json. */
export function artifactsRoutes(ctx: MountContext, service: ArtifactsService | undefined): Router {
  const router = Router();
  const installers = (): ArtifactsService => {
    if (!service) throw storageNotConfigured();
    return service;
  };
  mount(router, ctx, endpoints.listArtifactInstallers, ({ query }) => installers().list(query));
  mount(router, ctx, endpoints.createArtifactInstaller, ({ body }) => installers().create(body));
  mount(router, ctx, endpoints.completeArtifactInstaller, ({ params }) =>
    installers().complete(params.id),
  );
  // JSON by default; ?redirect=1 answers 302 to the presigned URL (for plain links and curl -L).
  mount(router, ctx, endpoints.downloadArtifactInstaller, async ({ params, query, req }) => {
    const link = await installers().download(params.id);
    if (query.redirect) {
      req.res!.setHeader('Cache-Control', 'no-store');
      req.res!.redirect(302, link.url);
      return undefined as never;
    }
    return link;
  });
  mount(router, ctx, endpoints.deleteArtifactInstaller, ({ params }) =>
    installers().delete(params.id),
  );
  return router;
}
