import type { PageOf } from '@bot-mox/contracts';
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type QueryKey,
} from '@tanstack/react-query';
import { z } from 'zod';
import { useApi } from '../app/services';
import type { ApiClient, Query } from './client';

/** Follows `next_cursor` until the end or `maxPages`; for short lists a view shows whole. */
export async function fetchAllPages<T>(
  api: ApiClient,
  path: string,
  schema: z.ZodType<PageOf<T>>,
  query: Query = {},
  { maxPages = 10, signal }: { maxPages?: number; signal?: AbortSignal } = {},
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await api.get(path, schema, { ...query, limit: 200, cursor }, signal);
    items.push(...result.items);
    if (!result.next_cursor) return { items, truncated: false };
    cursor = result.next_cursor;
  }
  return { items, truncated: true };
}

/** A cursor-paginated list: first page now, "Load more" for the rest. */
export function usePagedList<T>(
  key: QueryKey,
  path: string,
  schema: z.ZodType<PageOf<T>>,
  query: Query = {},
  limit = 50,
) {
  const api = useApi();
  const result = useInfiniteQuery({
    queryKey: [...key, 'list', query],
    queryFn: ({ pageParam, signal }) =>
      api.get(path, schema, { ...query, limit, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = result.data?.pages.flatMap((p) => p.items);
  return { ...result, items };
}

export function useAllPages<T>(
  key: QueryKey,
  path: string,
  schema: z.ZodType<PageOf<T>>,
  query: Query = {},
) {
  const api = useApi();
  return useQuery({
    queryKey: [...key, 'all', query],
    queryFn: ({ signal }) => fetchAllPages(api, path, schema, query, { signal }),
  });
}

const NoContent = z.unknown();

/** Create / update / delete for one collection; every success invalidates the collection. */
export function useCollectionMutations<Item>(
  key: QueryKey,
  listPath: string,
  itemPath: (id: string) => string,
  itemSchema: z.ZodType<Item>,
  invalidateAlso: QueryKey[] = [],
) {
  const api = useApi();
  const queryClient = useQueryClient();
  const onSuccess = async () => {
    await Promise.all(
      [key, ...invalidateAlso].map((k) => queryClient.invalidateQueries({ queryKey: k })),
    );
  };
  const create = useMutation({
    mutationFn: (body: unknown) => api.post(listPath, itemSchema, body),
    onSuccess,
  });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: unknown }) =>
      api.patch(itemPath(id), itemSchema, body),
    onSuccess,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(itemPath(id), NoContent),
    onSuccess,
  });
  return { create, update, remove };
}
