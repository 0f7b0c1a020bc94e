// `pnpm db:types`: starts Postgres from the image manifest, applies supabase/migrations, writes
// the backend's database types (kysely-codegen) and stops the container.
import { relative } from 'node:path';
import { dbTypesFile, generateDbTypes } from '../harness/db-types.ts';
import { repoRoot } from '../harness/manifest.ts';
import { startPostgres } from '../harness/postgres.ts';

const db = await startPostgres();
try {
  await generateDbTypes(db.url, dbTypesFile);
  console.log(`db:types: wrote ${relative(repoRoot, dbTypesFile)}`);
} finally {
  await db.stop();
}
