// Configuration: parsed once at start-up from the environment (DESIGN §3). A bad or missing
// value stops the process with one line per problem, naming the variable; values never appear
// in those lines, so a secret can't leak through an error.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(0).max(max).default(fallback);

// Object storage (artifacts). Optional, but all-or-nothing: with none of S3_ENDPOINT,
// S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY set, artifacts are off (their routes answer 503,
// s3_ready is false); with any of them set, all three must be.
const S3EnvShape = {
  S3_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  S3_PUBLIC_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET_ARTIFACTS: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .default('botmox-artifacts'),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: bool.default(true),
  S3_PRESIGN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .default(900),
  /** Per S3 request (connect and response); an outage answers 503 within about this. */
  S3_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  /** Largest installer accepted (bytes); S3 takes at most 5 GiB in one PUT. */
  ARTIFACT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(5 * 1024 ** 3)
    .default(2 * 1024 ** 3),
  /** A pending upload expires this long after its presigned PUT did. */
  ARTIFACT_PENDING_GRACE_SECONDS: positiveInt(600, 7 * 24 * 3600),
  /** How often the server sweeps expired pending uploads; 0 turns the sweep off. */
  ARTIFACT_SWEEP_INTERVAL_SECONDS: positiveInt(60, 24 * 3600),
};

function checkS3(
  env: { S3_ENDPOINT?: string; S3_ACCESS_KEY_ID?: string; S3_SECRET_ACCESS_KEY?: string },
  ctx: z.RefinementCtx,
): void {
  const names = ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
  if (!names.some((n) => env[n])) return;
  for (const n of names) {
    if (!env[n])
      ctx.addIssue({ code: 'custom', path: [n], message: 'required when S3 is configured' });
  }
}

const StorageEnvSchema = z.object(S3EnvShape).superRefine(checkS3);

const EnvSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().default('0.0.0.0'),
    DATA_BACKEND: z.enum(['supabase', 'rtdb']).default('supabase'),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
        .optional(),
    ),
    DATABASE_POOL_MAX: positiveInt(10, 200),
    SUPABASE_JWT_SECRET: optionalString.pipe(
      z.string().min(32, 'must be at least 32 characters').optional(),
    ),
    SUPABASE_JWKS_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    SUPABASE_JWT_AUDIENCE: z.string().min(1).default('authenticated'),
    SUPABASE_JWT_ISSUER: optionalString,
    RTDB_URL: optionalString.pipe(z.url().optional()),
    RTDB_AUTH: optionalString,
    /** The legacy RTDB's service-account key (file path or the JSON itself; never logged). */
    RTDB_SERVICE_ACCOUNT_FILE: optionalString,
    RTDB_SERVICE_ACCOUNT_JSON: optionalString,
    /** host:port of an RTDB emulator (tests: the firebase-server stand-in); no credentials then. */
    FIREBASE_DATABASE_EMULATOR_HOST: optionalString,
    WRITE_FREEZE: bool.default(false),
    WRITE_FREEZE_RETRY_AFTER_SECONDS: positiveInt(30, 3600),
    /** How often each replica reads the runtime switches (ops.runtime_switches: cutover). */
    RUNTIME_POLL_MS: positiveInt(1000, 60_000),
    ...S3EnvShape,
    APP_VERSION: z.string().default('0.0.0-dev'),
    GIT_SHA: z.string().default('unknown'),
    IMAGE_TAG: z.string().default('dev'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /** After SIGTERM: keep serving (ready = 503, Connection: close) this long before closing. */
    SHUTDOWN_DELAY_MS: positiveInt(2000, 60_000),
    /** After closing: how long in-flight requests may take before their sockets are cut. */
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000, 60_000),
    /** Largest request body (bytes). Caddy takes the same variable (compose), so the edge and
     * the backend refuse the same bodies; the edge answers those it sees first. */
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 ** 2)
      .default(1024 ** 2),
    WS_HEARTBEAT_MS: positiveInt(30_000, 600_000),
    /** A WebSocket client with more than this many bytes unsent is dropped. */
    WS_MAX_BUFFERED_BYTES: positiveInt(1_048_576),
    /** Cached list responses live at most this long (a safety net; writes invalidate). 0: off. */
    LIST_CACHE_TTL_MS: positiveInt(5000, 600_000),
    /** Cached list responses per collection (LRU). 0: off. */
    LIST_CACHE_MAX_ENTRIES: positiveInt(500, 100_000),
    MIGRATIONS_DIR: optionalString,
    /** The backup service's schedule (compose passes the backup service's own values): health
     * reports a backup overdue once the last good one is older than interval + grace. */
    BACKUP_DUMP_INTERVAL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(366 * 86_400)
      .default(86_400),
    BACKUP_OVERDUE_GRACE_SECONDS: positiveInt(3600, 30 * 86_400),
  })
  .superRefine((env, ctx) => {
    checkS3(env, ctx);
    if (!env.SUPABASE_JWT_SECRET && !env.SUPABASE_JWKS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['SUPABASE_JWT_SECRET'],
        message: 'required (or set SUPABASE_JWKS_URL)',
      });
    }
    if (env.DATA_BACKEND === 'supabase' && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'required when DATA_BACKEND=supabase',
      });
    }
    if (env.DATA_BACKEND === 'rtdb' && !env.RTDB_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['RTDB_URL'],
        message: 'required when DATA_BACKEND=rtdb',
      });
    }
  });

export interface Config {
  port: number;
  host: string;
  dataBackend: 'supabase' | 'rtdb';
  databaseUrl: string | undefined;
  databasePoolMax: number;
  jwt: {
    secret: string | undefined;
    jwksUrl: string | undefined;
    audience: string;
    issuer: string | undefined;
  };
  rtdb: {
    url: string | undefined;
    auth: string | undefined;
    serviceAccountFile: string | undefined;
    serviceAccountJson: string | undefined;
    emulatorHost: string | undefined;
  };
  writeFreeze: boolean;
  writeFreezeRetryAfterSeconds: number;
  runtimePollMs: number;
  s3: S3Config;
  artifacts: ArtifactsConfig;
  version: string;
  gitSha: string;
  imageTag: string;
  logLevel: string;
  shutdownDelayMs: number;
  shutdownTimeoutMs: number;
  wsHeartbeatMs: number;
  wsMaxBufferedBytes: number;
  bodyLimitBytes: number;
  listCache: { ttlMs: number; maxEntries: number };
  migrationsDir: string | undefined;
  /** Health: the last good backup is overdue once older than this (schedule interval + grace). */
  backup: { maxAgeSeconds: number };
}

export interface S3Config {
  /** False when no S3_* credentials/endpoint are set: artifacts are off. */
  configured: boolean;
  endpoint: string | undefined;
  /** Presigned URLs are signed for this host (falls back to endpoint). */
  publicEndpoint: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
  presignTtlSeconds: number;
  timeoutMs: number;
}

export interface ArtifactsConfig {
  maxBytes: number;
  pendingGraceSeconds: number;
  sweepIntervalSeconds: number;
}

type S3Env = z.output<typeof StorageEnvSchema>;

function s3Of(e: S3Env): S3Config {
  return {
    configured: Boolean(e.S3_ENDPOINT && e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY),
    endpoint: e.S3_ENDPOINT,
    publicEndpoint: e.S3_PUBLIC_ENDPOINT ?? e.S3_ENDPOINT,
    region: e.S3_REGION,
    bucket: e.S3_BUCKET_ARTIFACTS,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    presignTtlSeconds: e.S3_PRESIGN_TTL_SECONDS,
    timeoutMs: e.S3_TIMEOUT_MS,
  };
}

function artifactsOf(e: S3Env): ArtifactsConfig {
  return {
    maxBytes: e.ARTIFACT_MAX_BYTES,
    pendingGraceSeconds: e.ARTIFACT_PENDING_GRACE_SECONDS,
    sweepIntervalSeconds: e.ARTIFACT_SWEEP_INTERVAL_SECONDS,
  };
}

function problemLines(error: z.ZodError): string[] {
  const lines = error.issues.map((i) => {
    const name = String(i.path[0] ?? 'environment');
    return `${name}: ${i.code === 'invalid_type' && i.input === undefined ? 'required' : i.message}`;
  });
  return [...new Set(lines)];
}

/** Only the S3 and artifact settings (for `cli storage:init` and `cli artifacts:expire`). */
export function parseStorageConfig(env: Record<string, string | undefined> = process.env): {
  s3: S3Config;
  artifacts: ArtifactsConfig;
} {
  const result = StorageEnvSchema.safeParse(env);
  if (!result.success) throw new ConfigError(problemLines(result.error));
  return { s3: s3Of(result.data), artifacts: artifactsOf(result.data) };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

/** Parses the environment; throws ConfigError with one `NAME: problem` line per problem. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = EnvSchema.safeParse(env);
  if (!result.success) throw new ConfigError(problemLines(result.error));
  const e = result.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataBackend: e.DATA_BACKEND,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    jwt: {
      secret: e.SUPABASE_JWT_SECRET,
      jwksUrl: e.SUPABASE_JWKS_URL,
      audience: e.SUPABASE_JWT_AUDIENCE,
      issuer: e.SUPABASE_JWT_ISSUER,
    },
    rtdb: {
      url: e.RTDB_URL,
      auth: e.RTDB_AUTH,
      serviceAccountFile: e.RTDB_SERVICE_ACCOUNT_FILE,
      serviceAccountJson: e.RTDB_SERVICE_ACCOUNT_JSON,
      emulatorHost: e.FIREBASE_DATABASE_EMULATOR_HOST,
    },
    writeFreeze: e.WRITE_FREEZE,
    writeFreezeRetryAfterSeconds: e.WRITE_FREEZE_RETRY_AFTER_SECONDS,
    runtimePollMs: e.RUNTIME_POLL_MS,
    s3: s3Of(e),
    artifacts: artifactsOf(e),
    version: e.APP_VERSION,
    gitSha: e.GIT_SHA,
    imageTag: e.IMAGE_TAG,
    logLevel: e.LOG_LEVEL,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    wsHeartbeatMs: e.WS_HEARTBEAT_MS,
    wsMaxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    listCache: { ttlMs: e.LIST_CACHE_TTL_MS, maxEntries: e.LIST_CACHE_MAX_ENTRIES },
    migrationsDir: e.MIGRATIONS_DIR,
    backup: { maxAgeSeconds: e.BACKUP_DUMP_INTERVAL_SECONDS + e.BACKUP_OVERDUE_GRACE_SECONDS },
  };
}
