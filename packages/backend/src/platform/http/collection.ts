// The five routes of a collection (list, create, get, update, delete) over its repository.
import type { Router } from 'express';
import type { Endpoint, PageOf } from '@bot-mox/contracts';
import type { z } from 'zod';
import type { CollectionRepository } from '../repository.ts';
import type { BodyCache } from '../list-cache.ts';
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
  options: { listCache?: BodyCache | undefined } = {},
): void {
  const { listCache } = options;
  // Our own writes clear the lists before answering, so this client's next read is fresh even
  // before the NOTIFY comes back; `finally`, as a failed write may still have committed.
  const writing = async <R>(write: Promise<R>): Promise<R> => {
    try {
      return await write;
    } finally {
      listCache?.invalidate();
    }
  };
  mount(
    router,
    ctx,
    e.list,
    async ({ query }) => (await repo.list(query as Q)) as PageOf<T> as never,
    { cache: listCache },
  );
  mount(
    router,
    ctx,
    e.create,
    async ({ body }) => (await writing(repo.create(body as C))) as never,
  );
  mount(router, ctx, e.get, async ({ params }) => {
    const found = await repo.get((params as { id: string }).id);
    if (!found) throw notFound(`No ${label} with this id.`);
    return found as never;
  });
  mount(router, ctx, e.update, async ({ params, body }) => {
    const updated = await writing(repo.update((params as { id: string }).id, body as U));
    if (!updated) throw notFound(`No ${label} with this id.`);
    return updated as never;
  });
  mount(router, ctx, e.delete, async ({ params }) => {
    if (!(await writing(repo.delete((params as { id: string }).id))))
      throw notFound(`No ${label} with this id.`);
  });
}
