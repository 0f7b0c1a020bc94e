// Applies supabase/migrations in order and records them where the Supabase CLI does
// (supabase_migrations.schema_migrations), so that our runner and the CLI agree (DESIGN §3, §10).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

const FILE_PATTERN = /^([0-9]+)_(.*)\.sql$/;
// Any constant works; it keeps two replicas (or a deploy and a one-shot) from migrating at once.
const MIGRATION_LOCK_ID = 4_216_180_211;

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
  sql: string;
}

export interface MigrationResult {
  applied: MigrationFile[];
  pending: MigrationFile[];
  alreadyApplied: number;
  dryRun: boolean;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const entries = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const file of entries) {
    const match = FILE_PATTERN.exec(file);
    if (!match) {
      throw new MigrationError(`${file}: not named <version>_<name>.sql`);
    }
    files.push({
      version: match[1]!,
      name: match[2]!,
      file,
      sql: await readFile(path.join(dir, file), 'utf8'),
    });
  }
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.version)) throw new MigrationError(`${f.file}: version ${f.version} used twice`);
    seen.add(f.version);
  }
  return files.sort((a, b) => (BigInt(a.version) < BigInt(b.version) ? -1 : 1));
}

/** Whitespace-insensitive fingerprint, so the CLI's split statements and our whole file compare. */
export function migrationFingerprint(statements: readonly string[]): string {
  return createHash('sha256').update(statements.join('').replace(/\s+/g, '')).digest('hex');
}

export interface MigrateOptions {
  databaseUrl: string;
  dir: string;
  dryRun?: boolean;
  log?: (line: string) => void;
}

export async function migrate(options: MigrateOptions): Promise<MigrationResult> {
  const log = options.log ?? (() => {});
  const files = await readMigrationFiles(options.dir);
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await client.query('create schema if not exists supabase_migrations');
    await client.query(
      `create table if not exists supabase_migrations.schema_migrations (
         version text not null primary key, statements text[], name text)`,
    );
    const { rows } = await client.query<{ version: string; statements: string[] | null }>(
      'select version, statements from supabase_migrations.schema_migrations',
    );
    const applied = new Map(rows.map((r) => [r.version, r.statements ?? []]));

    for (const f of files) {
      const statements = applied.get(f.version);
      if (statements && migrationFingerprint(statements) !== migrationFingerprint([f.sql])) {
        throw new MigrationError(
          `${f.file}: already applied, but its content has changed since; ` +
            'add a new migration instead of editing an applied one',
        );
      }
    }
    const pending = files.filter((f) => !applied.has(f.version));
    const result: MigrationResult = {
      applied: [],
      pending,
      alreadyApplied: files.length - pending.length,
      dryRun: options.dryRun ?? false,
    };
    if (options.dryRun) {
      for (const f of pending) log(`would apply ${f.file}`);
      return result;
    }
    for (const [i, f] of pending.entries()) {
      log(`applying ${f.file} (${i + 1}/${pending.length})`);
      try {
        await client.query('begin');
        await client.query(f.sql);
        await client.query(
          'insert into supabase_migrations.schema_migrations (version, statements, name) values ($1, $2, $3)',
          [f.version, [f.sql], f.name],
        );
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw new MigrationError(`${f.file}: ${(err as Error).message}`);
      }
      result.applied.push(f);
    }
    return result;
  } finally {
    await client.query('select pg_advisory_unlock_all()').catch(() => {});
    await client.end();
  }
}
