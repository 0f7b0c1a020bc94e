// The API as the specs use it directly (setup of a scenario, clean-up, checks behind the UI):
// the public /api/v1 over HTTPS via Caddy, through the contracts' typed client, with a
// service_role token.
import { endpoints } from '@bot-mox/contracts';
import { ApiClient, ApiError } from '@bot-mox/contracts/client';
import { origins } from './env';
import { httpFetch } from './http';
import { serviceToken } from './jwt';

export function backendApi(apiOrigin = origins().api): ApiClient {
  return new ApiClient({ baseUrl: apiOrigin, getToken: serviceToken, fetchImpl: httpFetch });
}

/** The collections a spec writes to, and so cleans up after. */
const COLLECTIONS = {
  bots: { list: endpoints.listBots, remove: endpoints.deleteBots },
  operations: { list: endpoints.listOperations, remove: endpoints.deleteOperations },
} as const;

/** Deletes every item of a collection whose `field` starts with `prefix` (a spec's own data). */
export async function removeWhere(
  collection: keyof typeof COLLECTIONS,
  field: string,
  prefix: string,
): Promise<void> {
  const api = backendApi();
  const { list, remove } = COLLECTIONS[collection];
  const page = await api.call(list, { query: { limit: 200 } });
  for (const item of page.items as (Record<string, unknown> & { id: string })[]) {
    if (String(item[field] ?? '').startsWith(prefix)) {
      // Gone already (a spec deleted it itself) is as good as deleted.
      await api.call(remove, { params: { id: item.id } }).catch((error: unknown) => {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      });
    }
  }
}

/** A short unique suffix, so that names from different runs never collide. */
export const unique = () =>
  `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
