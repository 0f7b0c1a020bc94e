// Picks the repositories for DATA_BACKEND. Routes receive these interfaces and never learn which
// store is behind them. The one place outside legacy/rtdb that wires the RTDB repositories in
// (ESLint allows this file; legacy/rtdb/README.md says how to remove it after cutover).
import type { LiveEvent } from '@bot-mox/contracts';
import type { Config } from '../config.ts';
import type { Db } from '../platform/db/database.ts';
import type { BotsRepository } from './bots/repository.ts';
import { KyselyBotsRepository } from './bots/kysely-repository.ts';
import type { ResourcesRepositories } from './resources/repository.ts';
import { kyselyResourcesRepositories } from './resources/kysely-repository.ts';
import type { WorkspaceRepositories } from './workspace/repository.ts';
import { kyselyWorkspaceRepositories } from './workspace/kysely-repository.ts';
import type { OperationsRepository } from './finance/repository.ts';
import { KyselyOperationsRepository } from './finance/kysely-repository.ts';
import type { SettingsRepository } from './settings/repository.ts';
import { KyselySettingsRepository } from './settings/kysely-repository.ts';
import { connectRtdb, rtdbRepositories, watchRtdbEvents } from '../legacy/rtdb/index.ts';

export interface Repositories {
  bots: BotsRepository;
  resources: ResourcesRepositories;
  workspace: WorkspaceRepositories;
  operations: OperationsRepository;
  settings: SettingsRepository;
  /** Releases what the repositories hold beyond the database pool (the RTDB connection). */
  close?(): Promise<void>;
  /**
   * The store's own change feed, where it has one beside Postgres's NOTIFY (RTDB: its child
   * events), as LiveEvents until the returned function is called.
   */
  /**
   * The store's own change feed as live events (RTDB); `loaded` settles once what the store
   * already held is read, so that every later change is news.
   */
  watchEvents?(emit: (event: LiveEvent) => void): { stop: () => void; loaded: Promise<void> };
}

export function kyselyRepositories(db: Db): Repositories {
  return {
    bots: new KyselyBotsRepository(db),
    resources: kyselyResourcesRepositories(db),
    workspace: kyselyWorkspaceRepositories(db),
    operations: new KyselyOperationsRepository(db),
    settings: new KyselySettingsRepository(db),
  };
}

export class UnsupportedBackendError extends Error {
  override name = 'UnsupportedBackendError';
}

export function repositoriesFor(
  config: Pick<Config, 'dataBackend' | 'rtdb'>,
  db: Db | undefined,
): Repositories {
  switch (config.dataBackend) {
    case 'supabase':
      if (!db) throw new UnsupportedBackendError('DATA_BACKEND=supabase needs DATABASE_URL');
      return kyselyRepositories(db);
    case 'rtdb': {
      const { rtdb } = config;
      const connection = connectRtdb({
        RTDB_URL: rtdb.url,
        RTDB_SERVICE_ACCOUNT_FILE: rtdb.serviceAccountFile,
        RTDB_SERVICE_ACCOUNT_JSON: rtdb.serviceAccountJson,
        FIREBASE_DATABASE_EMULATOR_HOST: rtdb.emulatorHost,
      });
      return {
        ...rtdbRepositories(connection.database),
        close: () => connection.close(),
        watchEvents: (emit) => watchRtdbEvents(connection.database, emit),
      };
    }
  }
}

/**
 * Repositories that follow `current()` at every call: the runtime switch of the data backend
 * (cutover) takes effect on the next request, however routes hold their repositories.
 */
export function switchingRepositories(current: () => Repositories): Repositories {
  const follow = <T extends object>(pick: (r: Repositories) => T): T =>
    new Proxy({} as T, {
      get(_target, prop) {
        const target = pick(current());
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  return {
    bots: follow((r) => r.bots),
    resources: {
      licenses: follow((r) => r.resources.licenses),
      proxies: follow((r) => r.resources.proxies),
      subscriptions: follow((r) => r.resources.subscriptions),
    },
    workspace: {
      notes: follow((r) => r.workspace.notes),
      tasks: follow((r) => r.workspace.tasks),
      calendar: follow((r) => r.workspace.calendar),
    },
    operations: follow((r) => r.operations),
    settings: follow((r) => r.settings),
  };
}
