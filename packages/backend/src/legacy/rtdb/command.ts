// `cli migrate:rtdb --from-file <export.json> [--dry-run] [--batch-size N]`: flags, output lines.
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { createDatabase } from '../../platform/db/database.ts';
import { formatSummary, migrateRtdb } from './migrate.ts';

/** Bad input to migrate:rtdb: one line for the operator, exit 2, nothing written. */
export class RtdbInputError extends Error {}

export interface MigrateRtdbArgs {
  file: string;
  dryRun: boolean;
  batchSize: number;
}

export function parseMigrateRtdbArgs(args: string[], cwd: string): MigrateRtdbArgs {
  let file: string | undefined;
  let dryRun = false;
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
    else if (flag === '--batch-size') {
      const v = value();
      batchSize = Number(v);
      if (!/^\d+$/.test(v) || batchSize < 1 || batchSize > 10_000)
        throw new RtdbInputError(
          `migrate:rtdb: --batch-size must be an integer 1..10000, got ${v}`,
        );
    } else if (flag === '--from-rtdb')
      throw new RtdbInputError('migrate:rtdb: --from-rtdb is not available yet; use --from-file');
    else throw new RtdbInputError(`migrate:rtdb: unknown flag ${a}`);
  }
  if (!file) throw new RtdbInputError('migrate:rtdb: --from-file <export.json> is required');
  return { file, dryRun, batchSize };
}

export async function migrateRtdbCommand(
  args: string[],
  env: { databaseUrl: string; cwd: string },
): Promise<void> {
  const { file, dryRun, batchSize } = parseMigrateRtdbArgs(args, env.cwd);
  try {
    await access(file, constants.R_OK);
  } catch {
    throw new RtdbInputError(`migrate:rtdb: cannot read ${file}`);
  }
  const log = (line: string) => console.log(`migrate:rtdb: ${line}`);
  log(`${dryRun ? 'dry run: ' : ''}importing ${file} in batches of ${batchSize}`);
  // An operator job on a possibly busy server: wait longer for a connection than the API does.
  const database = createDatabase(env.databaseUrl, { max: 1, connectTimeoutMs: 30_000 });
  try {
    const result = await migrateRtdb({
      db: database.db,
      file,
      source: `file:${path.basename(file)}`,
      dryRun,
      batchSize,
      log,
    }).catch((err: unknown) => {
      // The run is one transaction: whatever failed, it was rolled back.
      const message = err instanceof Error ? err.message : String(err);
      if ((err as { code?: unknown }).code === '42P01')
        throw new RtdbInputError(
          `migrate:rtdb: ${message}: the database lacks supabase/migrations; run cli db:migrate first`,
        );
      if (err instanceof SyntaxError || /parse|JSON/i.test(message))
        throw new RtdbInputError(
          `migrate:rtdb: ${file} is not a valid export (${message}); nothing was written`,
        );
      throw new Error(`migrate:rtdb: ${message}; nothing was written`, { cause: err });
    });
    const t = result.total;
    log(
      `${dryRun ? 'dry run (rolled back), would have: ' : ''}${formatSummary(t)}; ` +
        `${t.changed} changed, ${t.rejects} reject(s) in legacy.migration_rejects, ${result.seconds} s`,
    );
    log(`result ${JSON.stringify(result)}`);
  } finally {
    await database.close();
  }
}
