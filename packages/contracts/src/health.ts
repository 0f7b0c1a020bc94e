import { z } from 'zod';
import { Timestamp } from './common.ts';

/** GET /api/v1/health: what the backend reports about itself (DESIGN §3). */
export const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  git_sha: z.string(),
  image_tag: z.string(),
  uptime_seconds: z.number().nonnegative(),
  data_backend: z.enum(['supabase', 'rtdb']),
  supabase_ready: z.boolean(),
  s3_ready: z.boolean(),
  // Backups (ops.runs, written by the ops image): null when no such run has finished or the
  // runs could not be read. A backup is an `ops backup` run (dump, bucket, off-site copy); a
  // restore drill is `ops restore-drill` or `ops pitr-drill`. Defaults keep an older backend's
  // health readable during a rolling deploy.
  last_backup_at: Timestamp.nullable().default(null),
  last_backup_ok: z.boolean().nullable().default(null),
  last_good_backup_at: Timestamp.nullable().default(null),
  last_restore_drill_at: Timestamp.nullable().default(null),
  last_restore_drill_ok: z.boolean().nullable().default(null),
  /** The backup schedule's interval plus its grace: a last good backup older than this is overdue. */
  backup_max_age_seconds: z.number().int().positive().nullable().default(null),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** GET /api/v1/health/ready: 200 when every check passes, else 503 naming the failing ones. */
export const ReadyResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});
export type ReadyResponse = z.infer<typeof ReadyResponse>;
