// Starts the API: database, repositories, live events, WebSocket hub, HTTP server; and drains
// it on shutdown (DESIGN §11): ready -> 503 at once, WebSocket clients get 1001, keep serving
// with Connection: close for SHUTDOWN_DELAY_MS, stop listening, let in-flight requests finish
// within SHUTDOWN_TIMEOUT_MS, then cut what is left and close the database.
import { setTimeout as delay } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { createApp, type AppState } from './app.ts';
import { repositoriesFor, switchingRepositories, type Repositories } from './domains/index.ts';
import { RuntimeSwitches, WritesInFlight, type DataBackend } from './platform/runtime-switches.ts';
import { createTokenVerifier } from './platform/auth.ts';
import { createDatabase, type DatabaseHandle } from './platform/db/database.ts';
import { opsRunsBackupStatus } from './platform/backups.ts';
import { readMigrationFiles } from './platform/db/migrations.ts';
import { findMigrationsDir } from './platform/db/migrations-dir.ts';
import { EventListener } from './platform/events/listener.ts';
import { ListCaches } from './platform/list-cache.ts';
import { WsHub } from './platform/events/ws.ts';
import { databaseCheck, migrationsCheck, type ReadinessCheck } from './platform/health.ts';
import { createLogger } from './platform/logger.ts';
import { ArtifactsService } from './domains/artifacts/service.ts';
import { KyselyArtifactsRepository } from './domains/artifacts/kysely-repository.ts';
import { S3StorageProvider, storageCheck } from './platform/storage/s3.ts';

export interface StartOptions {
  logger?: Logger;
  /** Extra readiness checks (e.g. the artifacts bucket). */
  readiness?: ReadinessCheck[];
  validateResponses?: boolean;
}

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  state: AppState;
  repositories: Repositories;
  database: DatabaseHandle | undefined;
  /** List caches; they serve only while the events listener is connected. */
  listCaches: ListCaches;
  /** Installers (undefined without a database); S3 may still be unconfigured. */
  artifacts: ArtifactsService | undefined;
  logger: Logger;
  /** Drains and stops; resolves when everything is closed. Safe to call twice. */
  shutdown(reason?: string): Promise<void>;
}

export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const state: AppState = { draining: false, startedAt: Date.now() };
  const database = config.databaseUrl
    ? createDatabase(config.databaseUrl, { max: config.databasePoolMax })
    : undefined;
  // The runtime switches (cutover) are read before anything serves: a replica restarted after a
  // cutover starts on the backend the switch names, whatever DATA_BACKEND says.
  // Each replica reports at every poll what it applies and the writes it is still answering,
  // so that a cutover waits for all of them (ops.runtime_switch_acks).
  const writes = new WritesInFlight();
  const switches = new RuntimeSwitches(database?.db, {
    pollMs: config.runtimePollMs,
    log: logger,
    replica: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    writes,
  });
  await switches.start();
  const dataBackend = (): DataBackend => switches.current.dataBackend ?? config.dataBackend;
  // Each backend's repositories are made when first needed (RTDB: only while it serves).
  const built: Partial<Record<DataBackend, Repositories>> = {};
  const repositoriesOf = (backend: DataBackend): Repositories =>
    (built[backend] ??= repositoriesFor({ ...config, dataBackend: backend }, database?.db));
  repositoriesOf(dataBackend());
  const repositories = switchingRepositories(() => repositoriesOf(dataBackend()));
  const verify = createTokenVerifier(config.jwt);

  const readiness: ReadinessCheck[] = [];
  let events: EventListener | undefined;
  if (database && config.databaseUrl) {
    const dir = findMigrationsDir(config.migrationsDir);
    const versions = dir ? (await readMigrationFiles(dir)).map((f) => f.version) : undefined;
    if (!dir) logger.warn('no migrations folder found: ready will report migrations as failing');
    readiness.push(databaseCheck(database.db), migrationsCheck(database.db, versions));
    events = new EventListener(config.databaseUrl, logger);
    readiness.push(events.readinessCheck());
  }
  readiness.push(...(options.readiness ?? []));

  // Without a listener (no database) nothing would invalidate them: never live then. Nor with
  // DATA_BACKEND=rtdb: writes to the legacy store send no NOTIFY.
  const listCaches = new ListCaches({
    ...config.listCache,
    live: () => dataBackend() === 'supabase' && (events?.connected ?? false),
  });
  switches.onChange((now, before) => {
    if (now.dataBackend !== before.dataBackend) listCaches.invalidateAll();
  });
  events?.onConnectionChange(() => listCaches.invalidateAll());
  events?.onInvalidate((collection) => listCaches.invalidate(collection));

  // Artifacts: optional S3 (all-or-nothing config); ready checks the bucket only when configured.
  const storage = config.s3.configured ? new S3StorageProvider(config.s3) : undefined;
  const bucketCheck = storage ? storageCheck(storage) : undefined;
  if (bucketCheck) readiness.push(bucketCheck);
  const artifacts = database
    ? new ArtifactsService({
        repo: new KyselyArtifactsRepository(database.db),
        storage,
        ...(bucketCheck ? { reachable: () => bucketCheck.check() } : {}),
        config: config.artifacts,
        presignTtlSeconds: config.s3.presignTtlSeconds,
        log: logger,
      })
    : undefined;

  const app = createApp(config, {
    logger,
    repositories,
    readiness,
    state,
    verify,
    validateResponses: options.validateResponses ?? false,
    listCaches,
    runtime: {
      writeFreeze: () => switches.current.writeFreeze,
      dataBackend,
      beginWrite: () => writes.begin(),
    },
    ...(artifacts ? { artifacts } : {}),
    ...(database ? { backupStatus: opsRunsBackupStatus(database.db) } : {}),
  });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000; // longer than Caddy's idle pool timeout
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;

  const hub = new WsHub({
    verify,
    log: logger,
    heartbeatMs: config.wsHeartbeatMs,
    maxBufferedBytes: config.wsMaxBufferedBytes,
    isDraining: () => state.draining,
  });
  hub.attach(server);
  events?.subscribe((e) => {
    listCaches.onEvent(e);
    hub.broadcast(e);
  });
  await events?.start();
  // DATA_BACKEND=rtdb: the legacy store's own change feed stands in for the Postgres triggers of
  // the collections it holds; a switch of the data backend (cutover) ends it.
  let stopStoreEvents: (() => void) | undefined;
  const followStoreEvents = () => {
    stopStoreEvents?.();
    const feed = repositoriesOf(dataBackend()).watchEvents?.((e) => hub.broadcast(e));
    stopStoreEvents = feed?.stop;
    return feed?.loaded;
  };
  // Listen only once the feed has read what the store holds: a write served before that would
  // pass for old data and send no event. A store that does not answer delays the start 15 s at
  // most (the API does not depend on the feed).
  const feedLoaded = followStoreEvents();
  if (feedLoaded) {
    const timedOut = Symbol('timed out');
    const outcome = await Promise.race([feedLoaded, delay(15_000, timedOut, { ref: false })]);
    if (outcome === timedOut)
      logger.warn(
        'the data store change feed is still loading; live events may miss changes until it has',
      );
  }
  switches.onChange((now, before) => {
    if (now.dataBackend !== before.dataBackend) followStoreEvents();
  });

  // Sweep of abandoned uploads. Replicas may both run it: each row is claimed by one UPDATE.
  let sweeping = false;
  const sweep =
    artifacts && storage && config.artifacts.sweepIntervalSeconds > 0
      ? setInterval(() => {
          if (sweeping) return;
          sweeping = true;
          artifacts
            .expirePending()
            .catch((err: unknown) =>
              logger.warn({ err: { message: (err as Error).message } }, 'artifact sweep failed'),
            )
            .finally(() => {
              sweeping = false;
            });
        }, config.artifacts.sweepIntervalSeconds * 1000)
      : undefined;
  sweep?.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info({ port, data_backend: dataBackend(), version: config.version }, 'listening');

  let stopping: Promise<void> | undefined;
  const shutdown = (reason = 'shutdown') =>
    (stopping ??= (async () => {
      logger.info({ reason }, 'draining');
      state.draining = true;
      clearInterval(sweep);
      hub.close(1001, 'server shutting down');
      await delay(config.shutdownDelayMs);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets whose request began before the drain go idle later: close them then.
      server.closeIdleConnections();
      const reaper = setInterval(() => server.closeIdleConnections(), 100);
      void closed.finally(() => clearInterval(reaper));
      const timedOut = await Promise.race([
        closed.then(() => false),
        delay(config.shutdownTimeoutMs).then(() => true),
      ]);
      if (timedOut) {
        logger.warn('in-flight requests did not finish in time; closing their connections');
        server.closeAllConnections();
        await closed;
      }
      clearInterval(reaper);
      await events?.stop();
      stopStoreEvents?.();
      await switches.stop();
      await Promise.all(Object.values(built).map((r) => r.close?.()));
      await database?.close();
      logger.info('stopped');
    })());

  return {
    server,
    port,
    url: `http://${host}:${port}`,
    state,
    repositories,
    database,
    listCaches,
    artifacts,
    logger,
    shutdown,
  };
}
