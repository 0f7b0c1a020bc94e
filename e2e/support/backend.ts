// The API as the specs use it directly (setup of a scenario, clean-up, checks behind the UI):
// the public /api/v1 over HTTPS via Caddy, with a service_role token.
import { origins } from './env';
import { api, http, type HttpOptions } from './http';
import { serviceToken } from './jwt';

export const apiUrl = (path: string) => `${origins().api}${path}`;

export function callApi<T = unknown>(path: string, options: HttpOptions = {}): Promise<T> {
  return api<T>(apiUrl(path), { token: serviceToken(), ...options });
}

export function rawApi(path: string, options: HttpOptions = {}) {
  return http(apiUrl(path), { token: serviceToken(), ...options });
}

type Page<T> = { items: T[]; next_cursor: string | null };

/** Deletes every item of a collection whose `field` starts with `prefix` (a spec's own data). */
export async function removeWhere(path: string, field: string, prefix: string): Promise<void> {
  const page = await callApi<Page<Record<string, unknown> & { id: string }>>(`${path}?limit=200`);
  for (const item of page.items) {
    if (String(item[field] ?? '').startsWith(prefix)) {
      await rawApi(`${path}/${encodeURIComponent(item.id)}`, { method: 'DELETE' });
    }
  }
}

/** A short unique suffix, so that names from different runs never collide. */
export const unique = () =>
  `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
