// The backup side of the stack (issue 12, DESIGN §13) as the stack suite (stack/backup.test.ts)
// and `pnpm bench:backup` drive it: a partial stack with the backup service and an off-site
// target (a second bucket on the same S3 server), `ops` commands run in the backup service with
// their JSON summary line, psql in a service, and the drill-db service under its profile.
import { randomBytes } from 'node:crypto';
import { startStack, type StackSecrets, type StartedStack } from './stack.ts';

export const LIVE_BUCKET = 'botmox-artifacts';
export const OFFSITE_BUCKET = 'botmox-offsite';

/** The JSON line every `ops` command but health ends with (deploy/ops/scripts/ops, end_run). */
export interface OpsRunSummary {
  event: 'ops.run';
  command: string;
  kind: string;
  ok: boolean;
  error: string | null;
  run_id: number | null;
  recorded: boolean;
  started_at: string;
  finished_at: string;
  seconds: number;
  bytes: number | null;
  manifest?: string;
  dump?: string;
  tables?: number;
  rows?: number;
  rows_restored?: number;
  mismatches?: { table: string }[];
  from?: string;
  objects?: number;
  objects_restored?: number;
  objects_bytes?: number;
  objects_manifest?: string;
  object_mismatches?: { key: string }[];
  offsite?: {
    configured: boolean;
    bucket?: string;
    files?: number;
    bytes?: number;
    seconds?: number;
    bytes_per_second?: number | null;
  };
  rto_seconds?: number;
  target?: string;
  last_transaction_at?: string | null;
  restore_seconds?: number;
  wal_segments?: number;
  wal_wait_seconds?: number;
  wal_switch_lsn?: string;
  wal_streamed_seconds?: number;
  /** `ops backup --kind restore-point|auto` (kind wal): the point's name, LSN and WAL segment. */
  restore_point?: string;
  lsn?: string;
  segment?: string;
  /** `ops backup --kind auto` that took a dump instead: why no restore point. */
  restore_point_skipped?: string;
  /** `ops pitr-drill --to-name`: the point's LSN as recorded. */
  restore_point_lsn?: string;
}

export interface OpsRun {
  code: number;
  output: string;
  /** The command's final `ops.run` line; undefined when it printed none. */
  summary: OpsRunSummary | undefined;
}

/** The compose variables of an off-site target: `bucket` on the stack's own S3 server, with the
 * stack's keys and a fresh encryption password. */
export function offsiteEnv(secrets: StackSecrets, bucket = OFFSITE_BUCKET): Record<string, string> {
  return {
    OFFSITE_S3_ENDPOINT: 'http://minio:9000',
    OFFSITE_S3_BUCKET: bucket,
    OFFSITE_S3_ACCESS_KEY: secrets.S3_ACCESS_KEY,
    OFFSITE_S3_SECRET_KEY: secrets.S3_SECRET_KEY,
    OFFSITE_ENCRYPTION_PASSWORD: randomBytes(24).toString('hex'),
  };
}

/** The partial stack the backup service needs (db, minio, migrate, storage-init, backup-init,
 * backup; plus `services`), with the off-site target configured and `env` on top. */
export function startBackupStack(
  options: { services?: string[]; env?: Record<string, string> } = {},
): Promise<StartedStack> {
  return startStack({
    services: ['backup', ...(options.services ?? [])],
    env: (secrets) => ({ ...offsiteEnv(secrets), ...options.env }),
  });
}

const envFlags = (env: Record<string, string>) =>
  Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);

/** `docker compose exec -T` of `command` in a running service, with extra env. */
export const execIn = (
  stack: StartedStack,
  service: string,
  command: string[],
  env: Record<string, string> = {},
) => stack.compose(['exec', '-T', ...envFlags(env), service, ...command]);

/** psql in a service, quiet and unaligned, stopping at the first error. */
export const psqlIn = (
  stack: StartedStack,
  service: string,
  env: Record<string, string>,
  args: string[],
) => execIn(stack, service, ['psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', ...args], env);

/** The last `ops.run` JSON line of an ops command's output. */
export function opsSummary(output: string): OpsRunSummary | undefined {
  const line = output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"event":"ops.run"'));
  return line ? (JSON.parse(line) as OpsRunSummary) : undefined;
}

/** Runs `ops <args>` in the backup service (with extra env, e.g. an off-site key overridden). */
export async function runOps(
  stack: StartedStack,
  args: string[],
  env: Record<string, string> = {},
): Promise<OpsRun> {
  const { code, output } = await execIn(stack, 'backup', ['ops', ...args], env);
  return { code, output, summary: opsSummary(output) };
}

/**
 * Starts drill-db (profile `drill`). `dump`: a fresh server for `ops restore-drill`, returned
 * once healthy. `pitr`: recreated, returned at once (its entrypoint waits for `ops pitr-drill`).
 */
export async function startDrillDb(stack: StartedStack, mode: 'dump' | 'pitr'): Promise<void> {
  const up =
    mode === 'dump'
      ? await stack.compose(['--profile', 'drill', 'up', '-d', '--wait', 'drill-db'])
      : await stack.compose(
          ['--profile', 'drill', 'up', '-d', '--force-recreate', '--no-deps', 'drill-db'],
          { DRILL_MODE: 'pitr' },
        );
  if (up.code !== 0) throw new Error(`drill-db (${mode}) did not start:\n${up.output}`);
}

/** Stops the stack, drill-db and its volume included (the harness's down omits profiles). */
export async function downWithDrill(stack: StartedStack | undefined): Promise<void> {
  await stack?.compose(['--profile', 'drill', 'down', '--volumes', '--timeout', '20']);
  await stack?.down();
}
