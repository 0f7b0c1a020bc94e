// Postgres from the manifest (supabase/postgres or its stand-in), with supabase/migrations applied.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import type { StartedNetwork } from 'testcontainers';
import { migrate } from '@bot-mox/backend/migrations';
import { repoRoot, requireImage } from './manifest.ts';

export interface StartedPostgres {
  container: StartedPostgreSqlContainer;
  /** As role postgres: Supabase's non-superuser owner of public (what migrations run as). */
  url: string;
  /** As supabase_admin, the superuser (for test set-up that needs it). */
  adminUrl: string;
  /** As role postgres, from other containers on the network (host `db`). */
  networkUrl: string | undefined;
  password: string;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  network?: StartedNetwork;
  alias?: string;
  /** Apply supabase/migrations (default true). */
  migrations?: boolean;
}

export const migrationsDir = path.join(repoRoot, 'supabase/migrations');

export async function startPostgres(options: StartPostgresOptions = {}): Promise<StartedPostgres> {
  const image = await requireImage('POSTGRES_IMAGE');
  const password = randomBytes(12).toString('hex');
  const alias = options.alias ?? 'db';
  let builder = new PostgreSqlContainer(image)
    .withUsername('postgres')
    .withPassword(password)
    .withDatabase('postgres')
    .withLabels({ 'org.bot-mox.suite': 'acceptance' })
    // initdb plus the Supabase init takes 20 s on a quiet machine and past the default 120 s on
    // a loaded one, where a `docker exec` of pg_isready alone can take more than the default
    // check's 1 s timeout: a slow start is not a failure. TCP, as the init server has no port.
    // No shell: a timed-out `sh -c` leaves its pg_isready to the postmaster (PID 1 here, as
    // Testcontainers has no init option), which takes its SIGPIPE death for a backend crash.
    .withHealthCheck({
      test: ['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres'],
      interval: 1000,
      timeout: 10_000,
      retries: 300,
    })
    .withStartupTimeout(300_000);
  if (options.network) builder = builder.withNetwork(options.network).withNetworkAliases(alias);
  const container = await builder.start();
  const hostPart = `${container.getHost()}:${container.getPort()}/postgres`;
  const url = `postgres://postgres:${password}@${hostPart}`;
  if (options.migrations ?? true) {
    await migrate({ databaseUrl: url, dir: migrationsDir });
  }
  return {
    container,
    url,
    adminUrl: `postgres://supabase_admin:${password}@${hostPart}`,
    networkUrl: options.network
      ? `postgres://postgres:${password}@${alias}:5432/postgres`
      : undefined,
    password,
    stop: async () => {
      await container.stop();
    },
  };
}
