#!/usr/bin/env node
// Thin wrapper (issue 15): the legacy RTDB export into the Supabase Postgres at DATABASE_URL.
//   node scripts/migrate-rtdb-to-supabase.js --from-file <export.json> [--dry-run] [--batch-size N]
// It only runs the backend CLI's migrate:rtdb (under `pnpm exec`, so on the workspace's Node 24,
// as the package's `cli` script does) with the same flags, file paths taken from the caller's
// directory, and exits with its code.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..');

const args = process.argv.slice(2).map((arg, i, all) => {
  if (all[i - 1] === '--from-file') return path.resolve(arg);
  if (arg.startsWith('--from-file=')) return `--from-file=${path.resolve(arg.slice(12))}`;
  return arg;
});
const run = spawnSync(
  'pnpm',
  ['exec', 'node', '--conditions=@bot-mox/source', 'src/cli/index.ts', 'migrate:rtdb', ...args],
  { cwd: path.join(repoRoot, 'packages/backend'), stdio: 'inherit' },
);
if (run.error) {
  console.error(`migrate-rtdb-to-supabase: cannot run pnpm: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
