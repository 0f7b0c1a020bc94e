#!/usr/bin/env node
// Operator commands: `cli <command> [flags]`. Each prints progress and a one-line summary;
// bad input is one line on stderr and a non-zero exit.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, MigrationError } from '../platform/db/migrations.ts';
import { ConfigError, parseStorageConfig } from '../config.ts';
import { createDatabase } from '../platform/db/database.ts';
import { createLogger } from '../platform/logger.ts';
import { initStorage } from '../platform/storage/init.ts';
import { createS3Client, S3StorageProvider } from '../platform/storage/s3.ts';
import { ArtifactsService } from '../domains/artifacts/service.ts';
import { KyselyArtifactsRepository } from '../domains/artifacts/kysely-repository.ts';
import { migrateRtdbCommand, RtdbInputError } from '../legacy/rtdb/command.ts';
import { parityCommand } from '../legacy/rtdb/parity-command.ts';
import { cutoverCommand } from '../legacy/rtdb/cutover.ts';

class UsageError extends Error {}

function migrationsDir(): string {
  const candidates = [
    process.env.MIGRATIONS_DIR,
    path.resolve(process.cwd(), 'supabase/migrations'),
    // packages/backend/{src,dist}/cli -> repo root
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../supabase/migrations'),
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new UsageError(
      `no migrations folder; set MIGRATIONS_DIR (tried ${candidates.join(', ')})`,
    );
  return found;
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new UsageError(`${name} is not set`);
  return value;
}

function storageConfig() {
  const config = parseStorageConfig(process.env);
  if (!config.s3.configured)
    throw new UsageError(
      'S3 is not configured: set S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY',
    );
  return config;
}

/**
 * The machine-readable outcome of a command, as its last line: `<command>: result <json>`
 * (`changed` lists what the run changed, empty for a no-op). Scripts and tests read this line
 * rather than the prose above it.
 */
function printResult(command: string, result: Record<string, unknown>): void {
  console.log(`${command}: result ${JSON.stringify(result)}`);
}

function noFlags(command: string, args: string[]): void {
  if (args.length) throw new UsageError(`${command}: unknown flag ${args[0]}`);
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  /**
   * Creates S3_BUCKET_ARTIFACTS if missing and keeps it private; CORS for APP_ORIGIN (comma-
   * separated origins); lifecycle rule aborting incomplete multipart uploads. Idempotent.
   */
  async 'storage:init'(args) {
    noFlags('storage:init', args);
    const { s3 } = storageConfig();
    const origins = (process.env.APP_ORIGIN ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean);
    for (const o of origins) {
      if (!/^https?:\/\/[^/\s]+$/.test(o))
        throw new UsageError(`APP_ORIGIN: ${o} is not an origin like https://app.example.com`);
    }
    const client = createS3Client(s3, s3.endpoint, { maxAttempts: 3 });
    try {
      const result = await initStorage({
        client,
        bucket: s3.bucket,
        region: s3.region,
        appOrigins: origins,
        log: (line) => console.log(`storage:init: ${line}`),
      });
      console.log(
        result.changed.length === 0
          ? `storage:init: bucket ${s3.bucket} already initialised; nothing changed (no-op)`
          : `storage:init: bucket ${s3.bucket}: ${result.changed.length} change(s), ${result.unchanged.length} unchanged`,
      );
      printResult('storage:init', {
        bucket: s3.bucket,
        changed: result.changed,
        unchanged: result.unchanged.length,
      });
    } finally {
      client.destroy();
    }
  },
  /** Marks pending uploads past their TTL plus ARTIFACT_PENDING_GRACE_SECONDS expired; removes their objects. */
  async 'artifacts:expire'(args) {
    noFlags('artifacts:expire', args);
    const config = storageConfig();
    const database = createDatabase(requireEnv('DATABASE_URL'), { max: 2 });
    const storage = new S3StorageProvider(config.s3);
    try {
      const service = new ArtifactsService({
        repo: new KyselyArtifactsRepository(database.db),
        storage,
        config: config.artifacts,
        presignTtlSeconds: config.s3.presignTtlSeconds,
        log: createLogger(process.env.LOG_LEVEL ?? 'warn'),
      });
      const n = await service.expirePending();
      console.log(`artifacts:expire: expired ${n} pending upload(s)`);
    } finally {
      await database.close();
    }
  },

  async 'db:migrate'(args) {
    const unknown = args.filter((a) => a !== '--dry-run');
    if (unknown.length) throw new UsageError(`db:migrate: unknown flag ${unknown[0]}`);
    const dir = migrationsDir();
    const result = await migrate({
      databaseUrl: requireEnv('DATABASE_URL'),
      dir,
      dryRun: args.includes('--dry-run'),
      log: (line) => console.log(`db:migrate: ${line}`),
    });
    const verb = result.dryRun ? 'would apply' : 'applied';
    const count = result.dryRun ? result.pending.length : result.applied.length;
    console.log(`db:migrate: ${verb} ${count}, already applied ${result.alreadyApplied} (${dir})`);
    printResult('db:migrate', {
      dry_run: result.dryRun,
      changed: result.applied.map((m) => m.version),
      would_apply: result.dryRun ? result.pending.map((m) => m.version) : [],
      already_applied: result.alreadyApplied,
    });
  },

  /**
   * The legacy RTDB into Postgres (issue 15): `--from-file <export.json>` or `--from-rtdb`
   * (RTDB_URL, RTDB_SERVICE_ACCOUNT_FILE or _JSON; `--page-size N`), `[--dry-run]
   * [--batch-size N] [--timings]`. Relative paths are taken from where pnpm was started (INIT_CWD).
   */
  async 'migrate:rtdb'(args) {
    await migrateRtdbCommand(args, {
      databaseUrl: requireEnv('DATABASE_URL'),
      cwd: process.env.INIT_CWD ?? process.cwd(),
      rtdb: process.env,
    });
  },

  /**
   * Both backends compared (issue 15, phase 4): `[--sample N [--seed S]] [--report file.json]`,
   * with DATABASE_URL and the RTDB settings of migrate:rtdb --from-rtdb. Exit 1 on any difference.
   */
  async parity(args) {
    const report = await parityCommand(args, {
      databaseUrl: requireEnv('DATABASE_URL'),
      cwd: process.env.INIT_CWD ?? process.cwd(),
      rtdb: process.env,
    });
    if (!report.ok) process.exitCode = 1;
  },

  /**
   * RTDB -> Postgres for every replica at once (issue 15, phase 5): freeze writes, final sync,
   * parity, switch, lift the freeze (it waits until every replica reports the freeze, ops.runtime_switch_acks). `[--settle-ms N] [--page-size N]`, or `--abort` to lift a freeze left on by
   * a failed parity. Exit 1 when parity refused the switch.
   */
  async cutover(args) {
    const result = await cutoverCommand(args, {
      databaseUrl: requireEnv('DATABASE_URL'),
      rtdb: process.env,
      pollMs: Number(process.env.RUNTIME_POLL_MS ?? 1000) || 1000,
    });
    if (result) printResult('cutover', { ...result });
    if (result && !result.switched) process.exitCode = 1;
  },
};

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    throw new UsageError(
      `usage: cli <command>; commands: ${Object.keys(commands).join(', ')}` +
        (name ? ` (unknown: ${name})` : ''),
    );
  }
  await command(args);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    for (const line of err.problems) console.error(`config: ${line}`);
    process.exit(2);
  }
  const known =
    err instanceof UsageError || err instanceof MigrationError || err instanceof RtdbInputError;
  const message = err instanceof Error ? err.message : String(err);
  console.error(known ? message : `error: ${message}`);
  process.exit(known ? 2 : 1);
});
