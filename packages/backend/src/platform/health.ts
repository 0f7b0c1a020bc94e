// Readiness checks. The list is pluggable: each dependency (database, migrations, live events,
// and the artifacts bucket when S3 is configured: storage/s3.ts) adds a named check; ready is
// 200 only when all pass.
import { sql } from 'kysely';
import type { Db } from './db/database.ts';

export interface CheckResult {
  ok: boolean;
  detail?: string;
}
export interface ReadinessCheck {
  name: string;
  check(): Promise<CheckResult>;
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs = 2000,
): Promise<Record<string, CheckResult>> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        return [c.name, await withTimeout(c.check(), timeoutMs, c.name)] as const;
      } catch (err) {
        return [
          c.name,
          { ok: false, detail: err instanceof Error ? err.message : 'failed' },
        ] as const;
      }
    }),
  );
  return Object.fromEntries(results);
}

export function databaseCheck(db: Db): ReadinessCheck {
  return {
    name: 'database',
    async check() {
      await sql`select 1`.execute(db);
      return { ok: true };
    },
  };
}

/** Every migration file this build ships is recorded as applied. */
export function migrationsCheck(
  db: Db,
  expectedVersions: readonly string[] | undefined,
): ReadinessCheck {
  return {
    name: 'migrations',
    async check() {
      if (!expectedVersions)
        return { ok: false, detail: 'no migrations folder found to compare against' };
      const { rows } = await sql<{
        version: string;
      }>`select version from supabase_migrations.schema_migrations`.execute(db);
      const applied = new Set(rows.map((r) => r.version));
      const missing = expectedVersions.filter((v) => !applied.has(v));
      return missing.length === 0
        ? { ok: true }
        : { ok: false, detail: `${missing.length} pending, first ${missing[0]}` };
    },
  };
}
