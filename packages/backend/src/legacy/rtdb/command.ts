// `cli migrate:rtdb (--from-file <export.json> | --from-rtdb [--page-size N]) [--dry-run]
// [--batch-size N] [--timings]`: flags, output lines. --timings adds where the run's time went,
// phase by phase (timings.ts), to the output and the result. --from-rtdb reads the live database named by RTDB_URL
// with the credentials of firebase.ts.
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { createDatabase } from '../../platform/db/database.ts';
import { readExport } from './export-reader.ts';
import { connectRtdb, RtdbConfigError, type RtdbConnection, type RtdbEnv } from './firebase.ts';
import { DEFAULT_PAGE_SIZE, readLive } from './live-reader.ts';
import { formatSummary, migrateRtdb, type RecordSource } from './migrate.ts';
import { formatTimings } from './timings.ts';

/** Bad input to migrate:rtdb: one line for the operator, exit 2, nothing written. */
export class RtdbInputError extends Error {}

export type MigrateRtdbArgs = (
  { from: 'file'; file: string } | { from: 'rtdb'; pageSize: number }
) & { dryRun: boolean; batchSize: number; timings: boolean };

function positiveInt(flag: string, v: string, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max)
    throw new RtdbInputError(`migrate:rtdb: ${flag} must be an integer 1..${max}, got ${v}`);
  return n;
}

export function parseMigrateRtdbArgs(args: string[], cwd: string): MigrateRtdbArgs {
  let file: string | undefined;
  let fromRtdb = false;
  let pageSize: number | undefined;
  let dryRun = false;
  let timings = false;
  let batchSize = 500;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split(/=(.*)/s) : [a];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '')
        throw new RtdbInputError(`migrate:rtdb: ${flag} needs a value`);
      return v;
    };
    if (flag === '--from-file') file = path.resolve(cwd, value());
    else if (flag === '--dry-run' && inline === undefined) dryRun = true;
    else if (flag === '--timings' && inline === undefined) timings = true;
    else if (flag === '--batch-size') batchSize = positiveInt(flag, value(), 10_000);
    else if (flag === '--from-rtdb' && inline === undefined) fromRtdb = true;
    else if (flag === '--page-size') pageSize = positiveInt(flag, value(), 10_000);
    else throw new RtdbInputError(`migrate:rtdb: unknown flag ${a}`);
  }
  if (file && fromRtdb)
    throw new RtdbInputError('migrate:rtdb: give one source: --from-file or --from-rtdb');
  if (pageSize !== undefined && !fromRtdb)
    throw new RtdbInputError('migrate:rtdb: --page-size applies to --from-rtdb only');
  if (fromRtdb)
    return { from: 'rtdb', pageSize: pageSize ?? DEFAULT_PAGE_SIZE, dryRun, batchSize, timings };
  if (!file)
    throw new RtdbInputError(
      'migrate:rtdb: a source is required: --from-file <export.json> or --from-rtdb',
    );
  return { from: 'file', file, dryRun, batchSize, timings };
}

/** The live RTDB for `command`; a bad setting is its one-line input error (exit 2). */
export function openRtdb(env: RtdbEnv, command: string): RtdbConnection {
  try {
    return connectRtdb(env);
  } catch (err) {
    if (err instanceof RtdbConfigError) throw new RtdbInputError(`${command}: ${err.message}`);
    throw err;
  }
}

/** The records of the source the flags name, and how the run records it. */
async function openSource(
  args: MigrateRtdbArgs,
  env: RtdbEnv,
): Promise<{ records: RecordSource; source: string; describe: string; close(): Promise<void> }> {
  if (args.from === 'file') {
    const { file } = args;
    try {
      await access(file, constants.R_OK);
    } catch {
      throw new RtdbInputError(`migrate:rtdb: cannot read ${file}`);
    }
    return {
      records: (domains) => readExport(file, domains),
      source: `file:${path.basename(file)}`,
      describe: file,
      close: async () => {},
    };
  }
  const rtdb = openRtdb(env, 'migrate:rtdb');
  return {
    records: (domains) => readLive(rtdb.database, domains, args.pageSize),
    source: `rtdb:${new URL(env.RTDB_URL!).host}`,
    describe: `${rtdb.describe}, pages of ${args.pageSize}`,
    close: () => rtdb.close(),
  };
}

export async function migrateRtdbCommand(
  args: string[],
  env: { databaseUrl: string; cwd: string; rtdb?: RtdbEnv },
): Promise<void> {
  const parsed = parseMigrateRtdbArgs(args, env.cwd);
  const { dryRun, batchSize, timings } = parsed;
  const from = await openSource(parsed, env.rtdb ?? {});
  const log = (line: string) => console.log(`migrate:rtdb: ${line}`);
  log(`${dryRun ? 'dry run: ' : ''}importing ${from.describe} in batches of ${batchSize}`);
  // An operator job on a possibly busy server: wait longer for a connection than the API does.
  const database = createDatabase(env.databaseUrl, { max: 1, connectTimeoutMs: 30_000 });
  try {
    const result = await migrateRtdb({
      db: database.db,
      records: from.records,
      source: from.source,
      dryRun,
      batchSize,
      log,
      timings,
    }).catch((err: unknown) => {
      // The run is one transaction: whatever failed, it was rolled back.
      const message = err instanceof Error ? err.message : String(err);
      if ((err as { code?: unknown }).code === '42P01')
        throw new RtdbInputError(
          `migrate:rtdb: ${message}: the database lacks supabase/migrations; run cli db:migrate first`,
        );
      if (err instanceof SyntaxError || /parse|JSON/i.test(message))
        throw new RtdbInputError(
          `migrate:rtdb: ${from.describe} is not a valid export (${message}); nothing was written`,
        );
      throw new Error(`migrate:rtdb: ${message}; nothing was written`, { cause: err });
    });
    const t = result.total;
    log(
      `${dryRun ? 'dry run (rolled back), would have: ' : ''}${formatSummary(t)}; ` +
        `${t.changed} changed, ${t.rejects} reject(s) in legacy.migration_rejects, ${result.seconds} s`,
    );
    if (result.timings) for (const line of formatTimings(result.timings)) log(`timings: ${line}`);
    log(`result ${JSON.stringify(result)}`);
  } finally {
    await Promise.all([database.close(), from.close()]);
  }
}
