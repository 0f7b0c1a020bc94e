// The five routes of a collection (list, create, get, update, delete) over its repository.
import type { Router } from 'express';
import type { Endpoint, PageOf } from '@bot-mox/contracts';
import type { z } from 'zod';
import type { CollectionRepository } from '../repository.ts';
import { mount, type MountContext } from './endpoint.ts';
import { notFound } from './problem.ts';

interface CollectionEndpoints {
  list: Endpoint & { query: z.ZodType };
  create: Endpoint & { body: z.ZodType };
  get: Endpoint & { params: z.ZodType };
  update: Endpoint & { params: z.ZodType; body: z.ZodType };
  delete: Endpoint & { params: z.ZodType };
}

export function mountCollection<T, C, U, Q>(
  router: Router,
  ctx: MountContext,
  e: CollectionEndpoints,
  repo: CollectionRepository<T, C, U, Q>,
  label: string,
): void {
  mount(
    router,
    ctx,
    e.list,
    async ({ query }) => (await repo.list(query as Q)) as PageOf<T> as never,
  );
  mount(router, ctx, e.create, async ({ body }) => (await repo.create(body as C)) as never);
  mount(router, ctx, e.get, async ({ params }) => {
    const found = await repo.get((params as { id: string }).id);
    if (!found) throw notFound(`No ${label} with this id.`);
    return found as never;
  });
  mount(router, ctx, e.update, async ({ params, body }) => {
    const updated = await repo.update((params as { id: string }).id, body as U);
    if (!updated) throw notFound(`No ${label} with this id.`);
    return updated as never;
  });
  mount(router, ctx, e.delete, async ({ params }) => {
    if (!(await repo.delete((params as { id: string }).id)))
      throw notFound(`No ${label} with this id.`);
  });
}
