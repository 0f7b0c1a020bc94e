// The five routes of a collection (list, create, get, update, delete) over its repository. The
// endpoints' schemas and the repository's types must agree: what the repository returns is what
// the responses' schemas accept, and what the requests' schemas produce is what it takes.
import type { Router } from 'express';
import type { Endpoint, PageOf } from '@bot-mox/contracts';
import type { z } from 'zod';
import type { CollectionRepository } from '../repository.ts';
import type { BodyCache } from '../list-cache.ts';
import { mount, type MountContext } from './endpoint.ts';
import { notFound } from './problem.ts';

/** A schema that produces `Out` from a request (query, body, path). */
type Reads<Out> = z.ZodType<Out, unknown>;
/** A schema that accepts `In` as a response. */
type Answers<In> = z.ZodType<unknown, In>;
type IdParams = Reads<{ id: string }>;

export interface CollectionEndpoints<T, C, U, Q> {
  list: Endpoint & { query: Reads<Q>; response: Answers<PageOf<T>> };
  create: Endpoint & { body: Reads<C>; response: Answers<T> };
  get: Endpoint & { params: IdParams; response: Answers<T> };
  update: Endpoint & { params: IdParams; body: Reads<U>; response: Answers<T> };
  delete: Endpoint & { params: IdParams; response: null };
}

export function mountCollection<T, C, U, Q>(
  router: Router,
  ctx: MountContext,
  e: CollectionEndpoints<T, C, U, Q>,
  repo: CollectionRepository<T, C, U, Q>,
  label: string,
  options: { listCache?: BodyCache | undefined } = {},
): void {
  const { listCache } = options;
  const missing = () => notFound(`No ${label} with this id.`);
  const found = <R>(item: R | null): R => {
    if (item === null) throw missing();
    return item;
  };
  // Our own writes clear the lists before answering, so this client's next read is fresh even
  // before the NOTIFY comes back; `finally`, as a failed write may still have committed.
  const writing = async <R>(write: Promise<R>): Promise<R> => {
    try {
      return await write;
    } finally {
      listCache?.invalidate();
    }
  };
  mount(router, ctx, e.list, ({ query }) => repo.list(query), { cache: listCache });
  mount(router, ctx, e.create, ({ body }) => writing(repo.create(body)));
  mount(router, ctx, e.get, async ({ params }) => found(await repo.get(params.id)));
  mount(router, ctx, e.update, async ({ params, body }) =>
    found(await writing(repo.update(params.id, body))),
  );
  mount(router, ctx, e.delete, async ({ params }) => {
    if (!(await writing(repo.delete(params.id)))) throw missing();
  });
}
