// Shared set-up of the backend integration tests: a real server in-process over the harness's
// Postgres, and real Supabase-style tokens minted with the configured secret.
import { ApiClient } from '@bot-mox/contracts/client';
import { createLogger, parseConfig, startServer, type RunningServer } from '@bot-mox/backend';
import { mintJwt } from '@bot-mox/backend/test-support';
import { migrationsDir } from '../harness/postgres.ts';

export const JWT_SECRET = 'integration-secret-'.padEnd(48, 'x');

export function mintToken(
  claims: Record<string, unknown> = { role: 'authenticated', aud: 'authenticated', sub: 'user-1' },
  options: { expiresIn?: string; secret?: string } = {},
): Promise<string> {
  return mintJwt(options.secret ?? JWT_SECRET, claims, { expiresIn: options.expiresIn });
}

export function testEnv(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    SUPABASE_JWT_SECRET: JWT_SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    MIGRATIONS_DIR: migrationsDir,
    SHUTDOWN_DELAY_MS: '0',
    LOG_LEVEL: 'silent',
    APP_VERSION: '9.9.9-test',
    GIT_SHA: 'testsha',
    IMAGE_TAG: 'test-tag',
    ...extra,
  };
}

export async function startApi(
  databaseUrl: string,
  extra: Record<string, string> = {},
): Promise<RunningServer> {
  const config = parseConfig(testEnv(databaseUrl, extra));
  return startServer(config, { logger: createLogger(config.logLevel), validateResponses: true });
}

export interface Client {
  base: string;
  token: string;
  /** The contracts' typed client on the same server and token (responses checked by schema). */
  api: ApiClient;
  /** Raw HTTP, for what the typed client would not send (bad input, bad tokens) or hides. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
}

export function client(url: string, token: string): Client {
  const base = `${url}/api/v1`;
  const call = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  return {
    base,
    token,
    api: new ApiClient({ baseUrl: url, getToken: () => token }),
    call,
  };
}
