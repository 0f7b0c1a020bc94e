import { WS_PATH } from '@bot-mox/contracts';
import { z } from 'zod';

/**
 * Runtime configuration. The same image runs in every environment: the container writes
 * `/config.json` from its env at start (API URL, Supabase URL, anon key), and the app reads
 * it once before it renders. Nothing here is baked in at build time.
 */
export const RuntimeConfig = z.object({
  /** Origin of the backend; `/api/v1/...` is appended. e.g. https://api.example.com */
  apiUrl: z.url(),
  /** Origin of the Supabase APIs (`/auth/v1` is appended by supabase-js). */
  supabaseUrl: z.url(),
  /** The public anon key. May be empty where no login service runs (offline prod-sim). */
  supabaseAnonKey: z.string(),
  /** Optional WebSocket URL; defaults to `apiUrl` with ws(s):// and the contracts' WS_PATH. */
  wsUrl: z.url().optional(),
  /** Optional label shown in the header, e.g. "prod-sim". */
  environment: z.string().optional(),
  /** Optional: the frontend image tag, written by the container. */
  imageTag: z.string().optional(),
});
export type RuntimeConfig = z.infer<typeof RuntimeConfig>;

export const CONFIG_PATH = '/config.json';

/** What the dev server uses when no config file is served (vite's public/config.json). */
export const DEV_DEFAULT_CONFIG: RuntimeConfig = {
  apiUrl: 'http://localhost:8080',
  supabaseUrl: 'http://localhost:54321',
  supabaseAnonKey: '',
  environment: 'development',
};

export class RuntimeConfigError extends Error {
  override name = 'RuntimeConfigError';
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function normaliseConfig(config: RuntimeConfig): RuntimeConfig {
  return {
    ...config,
    apiUrl: stripTrailingSlash(config.apiUrl),
    supabaseUrl: stripTrailingSlash(config.supabaseUrl),
  };
}

/** The WebSocket endpoint for live events. */
export function wsUrlFor(config: RuntimeConfig): string {
  if (config.wsUrl) return config.wsUrl;
  const url = new URL(`${config.apiUrl}${WS_PATH}`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * Reads `/config.json`. In development a missing file falls back to the dev defaults; in a
 * production build a missing or malformed file is an error the app shows instead of guessing.
 */
export async function loadRuntimeConfig(
  fetchImpl: typeof fetch = fetch,
  { allowDefault = import.meta.env.DEV }: { allowDefault?: boolean } = {},
): Promise<RuntimeConfig> {
  let response: Response;
  try {
    response = await fetchImpl(CONFIG_PATH, {
      cache: 'no-store',
      headers: { accept: 'application/json' },
    });
  } catch (cause) {
    if (allowDefault) return DEV_DEFAULT_CONFIG;
    throw new RuntimeConfigError(`Could not load ${CONFIG_PATH}: ${String(cause)}`);
  }
  if (!response.ok) {
    if (allowDefault) return DEV_DEFAULT_CONFIG;
    throw new RuntimeConfigError(`Could not load ${CONFIG_PATH}: HTTP ${response.status}`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new RuntimeConfigError(`${CONFIG_PATH} is not valid JSON`);
  }
  const parsed = RuntimeConfig.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new RuntimeConfigError(`${CONFIG_PATH} is invalid: ${problems.join('; ')}`);
  }
  return normaliseConfig(parsed.data);
}
