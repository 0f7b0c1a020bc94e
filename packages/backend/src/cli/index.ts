#!/usr/bin/env node
// Operator commands: `cli <command> [flags]`. Each prints progress and a one-line summary;
// bad input is one line on stderr and a non-zero exit.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, MigrationError } from '../platform/db/migrations.ts';

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

const commands: Record<string, (args: string[]) => Promise<void>> = {
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
  const known = err instanceof UsageError || err instanceof MigrationError;
  const message = err instanceof Error ? err.message : String(err);
  console.error(known ? message : `error: ${message}`);
  process.exit(known ? 2 : 1);
});
