import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** supabase/migrations: $MIGRATIONS_DIR, ./supabase/migrations, or the repo's (from src or dist). */
export function findMigrationsDir(explicit?: string): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    explicit,
    path.resolve(process.cwd(), 'supabase/migrations'),
    // packages/backend/{src,dist}/platform/db -> repo root
    path.resolve(here, '../../../../../supabase/migrations'),
  ].filter((c): c is string => Boolean(c));
  return candidates.find((c) => existsSync(c));
}
