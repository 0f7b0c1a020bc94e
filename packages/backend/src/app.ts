// The Express application: /api/v1 routes over the repositories, problem+json errors, request
// ids and logs. No listening, no process concerns: see server.ts.
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { ReadyResponse } from '@bot-mox/contracts';
import { buildOpenApiDocument, endpoints, type HealthResponse } from '@bot-mox/contracts';
import type { Config } from './config.ts';
import type { Repositories } from './domains/index.ts';
import { botsRoutes } from './domains/bots/routes.ts';
import { resourcesRoutes } from './domains/resources/routes.ts';
import { workspaceRoutes } from './domains/workspace/routes.ts';
import { financeRoutes } from './domains/finance/routes.ts';
import { settingsRoutes } from './domains/settings/routes.ts';
import { SettingsService } from './domains/settings/service.ts';
import { artifactsRoutes } from './domains/artifacts/routes.ts';
import type { ArtifactsService } from './domains/artifacts/service.ts';
import { createTokenVerifier, type TokenVerifier } from './platform/auth.ts';
import { mount, type MountContext } from './platform/http/endpoint.ts';
import { errorHandler, notFoundHandler } from './platform/http/problem.ts';
import { runChecks, type ReadinessCheck } from './platform/health.ts';
import { readBackupStatus, type BackupStatusReader } from './platform/backups.ts';
import { safeUrl } from './platform/logger.ts';
import type { ListCaches } from './platform/list-cache.ts';
import { BOTS_COLLECTION, botsInvalidatedBy } from './domains/bots/repository.ts';

export interface AppState {
  /** Set on SIGTERM: ready answers 503 and every response carries Connection: close. */
  draining: boolean;
  startedAt: number;
}

export interface AppDeps {
  logger: Logger;
  repositories: Repositories;
  readiness: ReadinessCheck[];
  state?: AppState;
  verify?: TokenVerifier;
  /** Check each response against its contract (tests). */
  validateResponses?: boolean;
  /** Installers; without it (S3 not configured) the artifact routes answer 503. */
  artifacts?: ArtifactsService;
  /** Caches of list responses, kept fresh by the caller (server.ts) from the events listener. */
  listCaches?: ListCaches;
  /** The runtime switches (cutover); without them WRITE_FREEZE and DATA_BACKEND decide. */
  runtime?: {
    writeFreeze(): boolean;
    dataBackend(): 'supabase' | 'rtdb';
    /** Counts a write past the freeze check until it is answered (the cutover waits for it). */
    beginWrite?(): () => void;
  };
  /** The latest backup and restore drill runs (ops.runs); without it health reports nulls. */
  backupStatus?: BackupStatusReader;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

export function createApp(config: Config, deps: AppDeps): Express {
  const state = deps.state ?? { draining: false, startedAt: Date.now() };
  const verify = deps.verify ?? createTokenVerifier(config.jwt);
  const log = deps.logger;
  const ctx: MountContext = {
    verify,
    writeFreeze: () => config.writeFreeze || (deps.runtime?.writeFreeze() ?? false),
    writeFreezeRetryAfterSeconds: config.writeFreezeRetryAfterSeconds,
    ...(deps.runtime?.beginWrite ? { beginWrite: deps.runtime.beginWrite } : {}),
    validateResponses: deps.validateResponses ?? false,
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.set('etag', false);

  app.use((req, res, next) => {
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    req.log = log.child({ req_id: req.id });
    res.setHeader('X-Request-Id', req.id);
    if (state.draining) res.setHeader('Connection', 'close');
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = {
        method: req.method,
        url: safeUrl(req.originalUrl),
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
      };
      if (res.statusCode >= 500) req.log.warn(line, 'request');
      else req.log.info(line, 'request');
    });
    next();
  });
  app.use(express.json({ limit: config.bodyLimitBytes, strict: true }));

  const api = express.Router();

  // ---- health (public) ----
  const ready = async () => {
    const checks = await runChecks(deps.readiness);
    if (state.draining) checks.draining = { ok: false, detail: 'shutting down' };
    return checks;
  };
  mount(api, ctx, endpoints.healthLive, async () => ({ status: 'live' as const }));
  api.get('/health/ready', async (_req, res) => {
    const checks = await ready();
    const ok = Object.values(checks).every((c) => c.ok);
    const body: ReadyResponse = { status: ok ? 'ready' : 'not_ready', checks };
    res.status(ok ? 200 : 503).json(body);
  });
  mount(api, ctx, endpoints.health, async () => {
    const [checks, backups] = await Promise.all([
      ready(),
      readBackupStatus(deps.backupStatus, log),
    ]);
    const dataBackend = deps.runtime?.dataBackend() ?? config.dataBackend;
    const supabaseReady =
      dataBackend === 'supabase' && Boolean(checks.database?.ok && checks.migrations?.ok);
    const s3Ready = checks.s3?.ok ?? false;
    const body: HealthResponse = {
      status: supabaseReady || dataBackend === 'rtdb' ? 'ok' : 'degraded',
      version: config.version,
      git_sha: config.gitSha,
      image_tag: config.imageTag,
      uptime_seconds: Math.round((Date.now() - state.startedAt) / 100) / 10,
      data_backend: dataBackend,
      supabase_ready: supabaseReady,
      s3_ready: s3Ready,
      ...backups,
      backup_max_age_seconds: config.backup.maxAgeSeconds,
    };
    return body;
  });

  let openapi: unknown;
  api.get('/openapi.json', (_req, res) => {
    openapi ??= buildOpenApiDocument(endpoints, { version: config.version });
    res.json(openapi);
  });

  // ---- domains ----
  api.use(
    botsRoutes(
      ctx,
      deps.repositories.bots,
      deps.listCaches?.register(BOTS_COLLECTION, botsInvalidatedBy),
    ),
  );
  api.use(resourcesRoutes(ctx, deps.repositories.resources));
  api.use(workspaceRoutes(ctx, deps.repositories.workspace));
  api.use(financeRoutes(ctx, deps.repositories.operations));
  api.use(settingsRoutes(ctx, new SettingsService(deps.repositories.settings)));
  api.use(artifactsRoutes(ctx, deps.artifacts));

  app.use('/api/v1', api);
  app.use(notFoundHandler);
  app.use(
    errorHandler((err, req) => {
      req.log.error({ err }, 'unexpected error');
    }),
  );
  return app;
}
