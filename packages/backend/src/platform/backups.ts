// What /api/v1/health says about backups: the latest finished runs in ops.runs (written by the
// ops image's `ops backup` and restore drills, deploy/ops/scripts/ops). Reading them must never
// fail health: any error (no ops schema yet, the database down, a slow query) gives nulls.
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from './db/database.ts';
import { withTimeout } from './health.ts';

export interface BackupStatus {
  last_backup_at: string | null;
  last_backup_ok: boolean | null;
  last_good_backup_at: string | null;
  last_restore_drill_at: string | null;
  last_restore_drill_ok: boolean | null;
}

export type BackupStatusReader = () => Promise<BackupStatus>;

export const UNKNOWN_BACKUP_STATUS: BackupStatus = {
  last_backup_at: null,
  last_backup_ok: null,
  last_good_backup_at: null,
  last_restore_drill_at: null,
  last_restore_drill_ok: null,
};

interface Row {
  last_backup_at: Date | null;
  last_backup_ok: boolean | null;
  last_good_backup_at: Date | null;
  last_restore_drill_at: Date | null;
  last_restore_drill_ok: boolean | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The latest finished `dump` run (what `ops backup` records), the latest good one, and the
 * latest finished restore or PITR drill. Runs still going (finished_at null) do not count. */
export function opsRunsBackupStatus(db: Db): BackupStatusReader {
  return async () => {
    const { rows } = await sql<Row>`
      with backup as (
        select finished_at, ok from ops.runs
         where kind = 'dump' and finished_at is not null order by finished_at desc limit 1),
      drill as (
        select finished_at, ok from ops.runs
         where kind in ('restore_drill', 'pitr_drill') and finished_at is not null
         order by finished_at desc limit 1)
      select (select finished_at from backup) as last_backup_at,
             (select ok from backup) as last_backup_ok,
             (select max(finished_at) from ops.runs where kind = 'dump' and ok) as last_good_backup_at,
             (select finished_at from drill) as last_restore_drill_at,
             (select ok from drill) as last_restore_drill_ok`.execute(db);
    const row = rows[0];
    if (!row) return UNKNOWN_BACKUP_STATUS;
    return {
      last_backup_at: iso(row.last_backup_at),
      last_backup_ok: row.last_backup_ok,
      last_good_backup_at: iso(row.last_good_backup_at),
      last_restore_drill_at: iso(row.last_restore_drill_at),
      last_restore_drill_ok: row.last_restore_drill_ok,
    };
  };
}

/** The reader's answer, or all nulls (logged) when it fails or takes longer than timeoutMs. */
export async function readBackupStatus(
  read: BackupStatusReader | undefined,
  log: Logger,
  timeoutMs = 2000,
): Promise<BackupStatus> {
  if (!read) return UNKNOWN_BACKUP_STATUS;
  try {
    return await withTimeout(read(), timeoutMs, 'reading ops.runs');
  } catch (err) {
    log.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'backup status unavailable',
    );
    return UNKNOWN_BACKUP_STATUS;
  }
}
