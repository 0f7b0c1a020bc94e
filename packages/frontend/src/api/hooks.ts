import { endpoints, type EndpointName, type Endpoints, type PageOf } from '@bot-mox/contracts';
import type {
  ApiClient,
  CallOptions,
  RequestBodyOf,
  RequestQueryOf,
  ResponseOf,
} from '@bot-mox/contracts/client';
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryKey,
} from '@tanstack/react-query';
import { useApi } from '../app/services';

/** An endpoint that answers a page of items (cursor pagination). */
type ListEndpoint = Endpoints[EndpointName] & { method: 'get' };
type ItemsOf<E> = ResponseOf<E> extends PageOf<infer T> ? T : never;
/** A list's filters and sort; the hooks add `limit` and `cursor`. */
export type ListQuery<E> = Omit<NonNullable<RequestQueryOf<E>>, 'limit' | 'cursor'>;

/** One page of a list endpoint (the only place list calls are made, so one cast for all). */
function fetchPage<E extends ListEndpoint>(
  api: ApiClient,
  endpoint: E,
  query: object,
  signal?: AbortSignal,
): Promise<PageOf<ItemsOf<E>>> {
  const options = { query, signal } as unknown as CallOptions<E>;
  return api.call(endpoint, ...([options] as never as [CallOptions<E>])) as Promise<
    PageOf<ItemsOf<E>>
  >;
}

/** Follows `next_cursor` until the end or `maxPages`; for short lists a view shows whole. */
export async function fetchAllPages<E extends ListEndpoint>(
  api: ApiClient,
  endpoint: E,
  query: ListQuery<E>,
  { maxPages = 10, signal }: { maxPages?: number; signal?: AbortSignal } = {},
): Promise<{ items: ItemsOf<E>[]; truncated: boolean }> {
  const items: ItemsOf<E>[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await fetchPage(api, endpoint, { ...query, limit: 200, cursor }, signal);
    items.push(...result.items);
    if (!result.next_cursor) return { items, truncated: false };
    cursor = result.next_cursor;
  }
  return { items, truncated: true };
}

/** A cursor-paginated list: first page now, "Load more" for the rest. */
export function usePagedList<E extends ListEndpoint>(
  key: QueryKey,
  endpoint: E,
  query: ListQuery<E>,
  limit = 50,
) {
  return usePagedItems<ItemsOf<E>>(key, endpoint, query, limit);
}

/**
 * usePagedList for a caller that names the item type itself: a component generic over the
 * collection (CrudTable), where TypeScript cannot resolve the entry of a name built at run time.
 */
export function usePagedItems<T>(key: QueryKey, endpoint: ListEndpoint, query: object, limit = 50) {
  const api = useApi();
  const result = useInfiniteQuery({
    queryKey: [...key, 'list', query],
    queryFn: ({ pageParam, signal }) =>
      fetchPage(api, endpoint, { ...query, limit, cursor: pageParam }, signal) as Promise<
        PageOf<T>
      >,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = result.data?.pages.flatMap((p) => p.items);
  return { ...result, items };
}

export function useAllPages<E extends ListEndpoint>(
  key: QueryKey,
  endpoint: E,
  query: ListQuery<E>,
) {
  const api = useApi();
  return useQuery({
    queryKey: [...key, 'all', query],
    queryFn: ({ signal }) => fetchAllPages(api, endpoint, query, { signal }),
  });
}

/** The collections of the endpoint table: list, create, get, update and delete under one name. */
export type CollectionName = {
  [K in EndpointName]: K extends `list${infer N}`
    ? `create${N}` extends EndpointName
      ? N
      : never
    : never;
}[EndpointName];
export type ItemOf<N extends CollectionName> = ResponseOf<Endpoints[`get${N}`]>;
export type CreateBody<N extends CollectionName> = RequestBodyOf<Endpoints[`create${N}`]>;
export type UpdateBody<N extends CollectionName> = RequestBodyOf<Endpoints[`update${N}`]>;

/** Create / update / delete for one collection; every success invalidates the collection. */
export function useCollectionMutations<N extends CollectionName>(
  key: QueryKey,
  collection: N,
  invalidateAlso: QueryKey[] = [],
) {
  const api = useApi();
  const queryClient = useQueryClient();
  const onSuccess = async () => {
    await Promise.all(
      [key, ...invalidateAlso].map((k) => queryClient.invalidateQueries({ queryKey: k })),
    );
  };
  // The table's entries are looked up by a name built at run time; their types are the ones
  // named above (CreateBody<N>, UpdateBody<N>, ItemOf<N>), so the calls go through `never`.
  const call = (name: EndpointName, options: object) =>
    api.call(endpoints[name], options as never) as Promise<unknown>;
  const create = useMutation({
    mutationFn: (body: CreateBody<N>) =>
      call(`create${collection}`, { body }) as Promise<ItemOf<N>>,
    onSuccess,
  });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateBody<N> }) =>
      call(`update${collection}`, { params: { id }, body }) as Promise<ItemOf<N>>,
    onSuccess,
  });
  const remove = useMutation({
    mutationFn: (id: string) => call(`delete${collection}`, { params: { id } }),
    onSuccess,
  });
  /**
   * Create (no id) or update (an id): what an edit dialog submits. The form checked the body
   * with the schema that goes with the same choice (create without an item, update with one).
   */
  const save = (id: string | undefined, body: CreateBody<N> | UpdateBody<N>) =>
    id === undefined
      ? create.mutateAsync(body as CreateBody<N>)
      : update.mutateAsync({ id, body: body as UpdateBody<N> });
  return { create, update, remove, save };
}
