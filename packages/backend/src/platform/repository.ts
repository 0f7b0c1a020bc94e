import type { PageOf } from '@bot-mox/contracts';

/**
 * The shape every collection repository has, whatever stores it (Supabase via Kysely now, the
 * legacy RTDB later). Ids are opaque strings; `get`, `update` and `delete` answer null/false for
 * an id that names nothing (including one that could never exist in this store).
 */
export interface CollectionRepository<T, Create, Update, Query> {
  list(query: Query): Promise<PageOf<T>>;
  get(id: string): Promise<T | null>;
  create(input: Create): Promise<T>;
  update(id: string, patch: Update): Promise<T | null>;
  delete(id: string): Promise<boolean>;
}
