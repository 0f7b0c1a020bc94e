import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { startPostgres } from './harness/postgres.ts';
import { startRtdb } from './harness/rtdb.ts';
const data = JSON.parse(readFileSync('/work/shared/fixtures/rtdb-export.json', 'utf8'));
const db = await startPostgres();
const rtdb = await startRtdb(data);
try {
  const c = new pg.Client({ connectionString: db.adminUrl }); await c.connect();
  for (const q of ["alter system set log_connections = on", "alter system set log_disconnections = on", "alter system set log_statement = 'all'", "alter system set log_line_prefix = '%m [%p] %a '", 'select pg_reload_conf()']) await c.query(q);
  await c.end();
  try {
    const out = execFileSync(process.execPath, ['--conditions=@bot-mox/source', '../backend/src/cli/index.ts', 'migrate:rtdb', ...process.argv.slice(2)], { env: { ...process.env, DATABASE_URL: db.url, RTDB_URL: rtdb.url, FIREBASE_DATABASE_EMULATOR_HOST: rtdb.emulatorHost }, encoding: 'utf8' });
    console.log(out.split('\n').filter((l) => !l.includes('result')).join('\n'));
  } catch (e) { console.log('FAILED', (e as { stderr: string }).stderr, (e as {stdout: string}).stdout); }
  const logs = execFileSync('sh', ['-c', `docker logs ${db.container.getId()} 2>&1 | grep -v '^\\s*$' | sed -n '/ready to accept connections/,$p' | grep -v 'insert into\\|update \\|^\\s' | tail -80 | cut -c1-250`], { encoding: 'utf8' });
  console.log(logs);
} finally {
  await Promise.all([db.stop(), rtdb.stop()]);
}
