// Backups that prove themselves (issue 12, DESIGN §13), on the compose stack as it ships: the
// backup role and its pg_hba rule, `ops backup` (pg_dump + manifest), `ops restore-drill` into
// the drill-db service, and loud failure on a corrupt dump. One partial stack (db, migrate,
// backup-init, backup; drill-db under its profile) shared by the tests of this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type StartedStack } from '../harness/stack.ts';

let stack: StartedStack;

interface RunSummary {
  event: 'ops.run';
  kind: string;
  ok: boolean;
  error: string | null;
  run_id: number | null;
  recorded: boolean;
  bytes: number | null;
  manifest?: string;
  dump?: string;
  tables?: number;
  rows?: number;
  rows_restored?: number;
  mismatches?: { table: string }[];
  rto_seconds?: number;
}

/** Runs `ops <args>` in the backup service; returns its exit code and final JSON summary line. */
async function ops(args: string[]): Promise<{ code: number; output: string; summary: RunSummary }> {
  const { code, output } = await stack.compose(['exec', '-T', 'backup', 'ops', ...args]);
  const line = output
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"event":"ops.run"'));
  expect(line, `ops ${args.join(' ')} printed no summary line:\n${output}`).toBeTruthy();
  return { code, output, summary: JSON.parse(line!) as RunSummary };
}

/** psql in a service, quiet and unaligned, stopping at the first error. */
const psql = (service: string, env: Record<string, string>, args: string[]) =>
  stack.compose([
    'exec',
    '-T',
    ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    service,
    ...['psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', ...args],
  ]);

/** SQL on the live db over its loopback (trusted there, as upstream's pg_hba does). */
async function liveSql(sql: string): Promise<string> {
  const { code, output } = await psql('db', {}, ['-h', '127.0.0.1', '-U', 'postgres', '-c', sql]);
  expect(code, output).toBe(0);
  return output.trim();
}

/** SQL in the backup service as its role, or as the env given (PGHOST, PGUSER...). */
const backupSql = (sql: string, env: Record<string, string> = {}) =>
  psql('backup', env, ['-c', sql]);

const SEEDED = 40;

beforeAll(async () => {
  // The scheduler's first dump at once (its default waits for the stack to settle).
  stack = await startStack({
    services: ['backup'],
    env: { BACKUP_FIRST_DUMP_DELAY_SECONDS: '0' },
  });
  const drill = await stack.compose(['--profile', 'drill', 'up', '-d', '--wait', 'drill-db']);
  expect(drill.code, drill.output).toBe(0);
}, 300_000);

afterAll(async () => {
  // With the profile, so that drill-db and its volume go too (the harness's down omits it).
  await stack?.compose(['--profile', 'drill', 'down', '--volumes', '--timeout', '20']);
  await stack?.down();
}, 120_000);

describe('the backup role and the db pg_hba rule', () => {
  it('admits replication connections from the data network for the backup role only', async () => {
    // A physical replication connection (what pg_receivewal and pg_basebackup open): pg_hba's
    // `replication` keyword matches only these; logical ones (replication=database) match `all`.
    const replication = ['psql', 'replication=true', '-XAtc', 'IDENTIFY_SYSTEM'];
    const asBackup = await stack.compose(['exec', '-T', 'backup', ...replication]);
    expect(asBackup.code, asBackup.output).toBe(0);
    expect(asBackup.output).toMatch(/^\d+\|1\|[0-9A-F]+\/[0-9A-F]+\|$/m);
    // postgres has the REPLICATION attribute too, but no pg_hba rule names it for replication.
    const asPostgres = await stack.compose([
      'exec',
      '-T',
      '-e',
      'PGUSER=postgres',
      '-e',
      `PGPASSWORD=${stack.secrets.POSTGRES_PASSWORD}`,
      'backup',
      ...replication,
    ]);
    expect(asPostgres.code).not.toBe(0);
    expect(asPostgres.output).toMatch(/no pg_hba\.conf entry for replication connection/);
  });

  it('gives the backup role replication and read access, and no write outside ops.runs', async () => {
    expect(
      await liveSql(
        `select rolcanlogin, rolreplication, rolbypassrls, rolsuper, rolcreaterole, rolcreatedb,
                pg_has_role('botmox_backup', 'pg_read_all_data', 'member')
           from pg_roles where rolname = 'botmox_backup'`,
      ),
    ).toBe('t|t|t|f|f|f|t');
    const write = await backupSql(`insert into public.bots (name, project) values ('x', 'p')`);
    expect(write.code).not.toBe(0);
    expect(write.output).toMatch(/permission denied for table bots/);
  });
});

describe('ops backup and ops restore-drill', () => {
  let manifest = '';
  let dump = '';

  it('backs up seeded rows, and after they are deleted a drill restores 100% of them into drill-db', async () => {
    await liveSql(
      `insert into public.bots (name, project, tags, character)
       select 'backup-seed-' || i, 'wow_tbc', array['t' || i % 3], jsonb_build_object('level', i)
         from generate_series(1, ${SEEDED}) as i`,
    );
    const backup = await ops(['backup', '--reason', 'acceptance']);
    expect(backup.code, backup.output).toBe(0);
    expect(backup.summary).toMatchObject({ kind: 'dump', ok: true, recorded: true });
    expect(backup.summary.bytes).toBeGreaterThan(0);
    expect(backup.summary.rows).toBeGreaterThanOrEqual(SEEDED);
    manifest = backup.summary.manifest!;
    dump = backup.summary.dump!;
    expect(manifest).toMatch(/^\/backups\/manifests\/.+\.json$/);

    // Destroy the data on the live db; the drill never touches it.
    await liveSql(`delete from public.bots where name like 'backup-seed-%'`);
    expect(await liveSql(`select count(*) from public.bots where name like 'backup-seed-%'`)).toBe(
      '0',
    );

    const drill = await ops(['restore-drill', '--manifest', manifest]);
    expect(drill.code, drill.output).toBe(0);
    expect(drill.summary).toMatchObject({ kind: 'restore_drill', ok: true, mismatches: [] });
    expect(drill.summary.tables).toBeGreaterThan(10);
    expect(drill.summary.rows_restored).toBe(backup.summary.rows);
    expect(drill.summary.rto_seconds).toBeGreaterThan(0);

    const restored = await backupSql(
      `select count(*), count(distinct character->>'level')
         from public.bots where name like 'backup-seed-%'`,
      { PGHOST: 'drill-db', PGUSER: 'supabase_admin', PGDATABASE: 'drill' },
    );
    expect(restored.code, restored.output).toBe(0);
    expect(restored.output.trim()).toBe(`${SEEDED}|${SEEDED}`);
  }, 180_000);

  it('records both runs in ops.runs', async () => {
    const rows = await liveSql(
      `select kind, reason, ok, bytes > 0, error is null, finished_at >= started_at
         from ops.runs where reason = 'acceptance' or kind = 'restore_drill' order by id`,
    );
    expect(rows.split('\n')).toEqual(['dump|acceptance|t|t|t|t', 'restore_drill|manual|t|t|t|t']);
  });

  it('fails the drill, naming the table, when the restored rows differ from the manifest', async () => {
    // Same dump, a manifest that claims one more bot: the verification must notice.
    const tampered = manifest.replace(/\.json$/, '.tampered.json');
    const edit = await stack.compose([
      'exec',
      '-T',
      'backup',
      'sh',
      '-c',
      `jq '.tables["public.bots"].rows += 1' '${manifest}' > '${tampered}'`,
    ]);
    expect(edit.code, edit.output).toBe(0);
    const drill = await ops(['restore-drill', '--manifest', tampered]);
    expect(drill.code).not.toBe(0);
    expect(drill.summary).toMatchObject({ ok: false, recorded: true });
    expect(drill.summary.error).toMatch(/differs from the manifest in 1 table\(s\): public\.bots/);
    expect(drill.summary.mismatches?.map((m) => m.table)).toEqual(['public.bots']);
  }, 120_000);

  it('fails loudly on a dump with one byte flipped, and records the error', async () => {
    const flip = await stack.compose([
      'exec',
      '-T',
      'backup',
      'bash',
      '-c',
      `f='${dump}'; off=$(( $(stat -c %s "$f") / 2 ));
       b=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ');
       printf "\\\\$(printf %o $(( b ^ 1 )))" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none`,
    ]);
    expect(flip.code, flip.output).toBe(0);

    const drill = await ops(['restore-drill', '--manifest', manifest]);
    expect(drill.code).not.toBe(0);
    expect(drill.summary).toMatchObject({ kind: 'restore_drill', ok: false, recorded: true });
    expect(drill.summary.error).toMatch(/is corrupt: sha256 [0-9a-f]{64}, the manifest says/);
    expect(drill.output).toMatch(/FAILED: dump .* is corrupt/);
    const recorded = await liveSql(
      `select ok, error like '%is corrupt%' from ops.runs where id = ${drill.summary.run_id}`,
    );
    expect(recorded).toBe('f|t');
  }, 180_000);
});

describe('the backup service', () => {
  it('took its first scheduled dump at start and reports healthy', async () => {
    const scheduled = await liveSql(
      `select count(*) from ops.runs where kind = 'dump' and reason = 'scheduled' and ok`,
    );
    expect(Number(scheduled)).toBeGreaterThanOrEqual(1);
    const health = await stack.compose(['exec', '-T', 'backup', 'ops', 'health']);
    expect(health.code, health.output).toBe(0);
    expect(health.output).toMatch(/^ok: last good dump \d+ s ago/m);
  });
});
