// Backups that prove themselves (issue 12, DESIGN §13), on the compose stack as it ships: the
// backup role and its pg_hba rule, `ops backup` (pg_dump + the artifacts bucket + manifests),
// `ops restore-drill` into the drill-db service and a scratch bucket, loud failure on a corrupt
// dump or object, the encrypted off-site copy (a second bucket on the same S3 server) and a
// drill from it, WAL streaming over a slot (health, lag, a killed streamer), base backups,
// retention and `ops pitr-drill`. One partial stack (db, minio, migrate, storage-init, backend,
// backup-init, backup; drill-db under its profile) shared by the tests of this file.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  downWithDrill,
  execIn,
  LIVE_BUCKET,
  OFFSITE_BUCKET,
  type OpsRunSummary,
  psqlIn,
  runOps,
  startBackupStack,
  startDrillDb,
} from '../harness/backup.ts';
import type { StartedStack } from '../harness/stack.ts';

let stack: StartedStack;

/** Runs `ops <args>` in the backup service; returns its exit code and final JSON summary line. */
async function ops(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; output: string; summary: OpsRunSummary }> {
  const { code, output, summary } = await runOps(stack, args, env);
  expect(summary, `ops ${args.join(' ')} printed no summary line:\n${output}`).toBeTruthy();
  return { code, output, summary: summary! };
}

/** psql in a service, quiet and unaligned, stopping at the first error. */
const psql = (service: string, env: Record<string, string>, args: string[]) =>
  psqlIn(stack, service, env, args);

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
const OBJECTS = 12;

/** bash in the backup service (its env: the S3 keys, the rclone remotes through `ops rclone`). */
async function inBackup(script: string, env: Record<string, string> = {}): Promise<string> {
  const { code, output } = await execIn(
    stack,
    'backup',
    ['bash', '-c', `set -euo pipefail; ${script}`],
    env,
  );
  expect(code, output).toBe(0);
  return output.trim();
}

/** Flips the lowest bit of the byte in the middle of a file in the backup service. */
const flipByte = (file: string) =>
  inBackup(`f='${file}'; off=$(( $(stat -c %s "$f") / 2 ));
    b=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ');
    printf "\\\\$(printf %o $(( b ^ 1 )))" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none`);

/** key -> sha256 of every object in a bucket, read back from the S3 server. */
async function bucketSums(bucket: string): Promise<Record<string, string>> {
  const out = await inBackup(`ops rclone hashsum sha256 --download live:${bucket}`);
  return Object.fromEntries(
    out
      .split('\n')
      .filter((l) => /^[0-9a-f]{64} {2}/.test(l))
      .map((l) => [l.slice(66), l.slice(0, 64)]),
  );
}

beforeAll(async () => {
  // The scheduler's first dump at once (its default waits for the stack to settle; the first
  // base backup keeps its delay: the tests take one); a low lag limit (half a WAL segment), so
  // that a stalled streamer shows in health soon; time between a killed streamer and its
  // restart, to see health report the stop. The off-site target (the harness's): a second
  // bucket on the same S3 server, its own encryption password.
  stack = await startBackupStack({
    services: ['backend'],
    env: {
      BACKUP_FIRST_DUMP_DELAY_SECONDS: '0',
      BACKUP_WAL_MAX_LAG_BYTES: String(8 * 1024 * 1024),
      BACKUP_WAL_RESTART_SECONDS: '5',
    },
  });
  await startDrillDb(stack, 'dump');
}, 300_000);

afterAll(async () => {
  // A db crash during the run (it drops the streamer's connection too) should not go unseen.
  const dbLog = await stack?.compose(['logs', '--no-color', 'db']);
  const crashes = dbLog?.output
    .split('\n')
    .filter((l) => /terminated by signal|crash of another/.test(l));
  if (crashes?.length) console.warn(`db crashed during the run:\n${crashes.join('\n')}`);
  await downWithDrill(stack);
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

  it('backs up seeded rows and objects; after both are deleted a drill restores 100% of them into drill-db and a scratch bucket', async () => {
    await liveSql(
      `insert into public.bots (name, project, tags, character)
       select 'backup-seed-' || i, 'wow_tbc', array['t' || i % 3], jsonb_build_object('level', i)
         from generate_series(1, ${SEEDED}) as i`,
    );
    // Objects of different sizes (16 kB to 2.3 MB) under installer keys, random contents.
    await inBackup(
      `for i in $(seq 1 ${OBJECTS}); do
         head -c $(( i * i * 16000 )) /dev/urandom |
           ops rclone rcat live:${LIVE_BUCKET}/artifacts/installers/win/1.$i.0/setup-$i.exe
       done`,
    );
    const seeded = await bucketSums(LIVE_BUCKET);
    expect(Object.keys(seeded)).toHaveLength(OBJECTS);

    const backup = await ops(['backup', '--reason', 'acceptance']);
    expect(backup.code, backup.output).toBe(0);
    expect(backup.summary).toMatchObject({ kind: 'dump', ok: true, recorded: true });
    expect(backup.summary.bytes).toBeGreaterThan(0);
    expect(backup.summary.rows).toBeGreaterThanOrEqual(SEEDED);
    manifest = backup.summary.manifest!;
    dump = backup.summary.dump!;
    expect(manifest).toMatch(/^\/backups\/manifests\/.+\.json$/);
    expect(backup.summary.objects).toBe(OBJECTS);
    expect(backup.summary.objects_manifest).toBe(manifest.replace(/\.json$/, '.objects.json'));
    const objectsManifest = JSON.parse(
      await inBackup(`cat '${backup.summary.objects_manifest}'`),
    ) as { count: number; objects: { key: string; size: number; sha256: string }[] };
    expect(objectsManifest.count).toBe(OBJECTS);
    expect(Object.fromEntries(objectsManifest.objects.map((o) => [o.key, o.sha256]))).toEqual(
      seeded,
    );

    // Destroy the data on the live db and bucket; the drill never touches them.
    await liveSql(`delete from public.bots where name like 'backup-seed-%'`);
    expect(await liveSql(`select count(*) from public.bots where name like 'backup-seed-%'`)).toBe(
      '0',
    );
    await inBackup(`ops rclone delete live:${LIVE_BUCKET}`);
    expect(await bucketSums(LIVE_BUCKET)).toEqual({});

    const drill = await ops(['restore-drill', '--manifest', manifest]);
    expect(drill.code, drill.output).toBe(0);
    expect(drill.summary).toMatchObject({ kind: 'restore_drill', ok: true, mismatches: [] });
    expect(drill.summary.tables).toBeGreaterThan(10);
    expect(drill.summary.rows_restored).toBe(backup.summary.rows);
    expect(drill.summary.rto_seconds).toBeGreaterThan(0);
    expect(drill.summary).toMatchObject({
      objects: OBJECTS,
      objects_restored: OBJECTS,
      object_mismatches: [],
    });
    expect(drill.output).toMatch(/all 12 objects match the manifest \(count, sizes, SHA-256\)/);
    // The live bucket stayed as the test left it: the drill restores into the scratch bucket.
    expect(await bucketSums(LIVE_BUCKET)).toEqual({});

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

  it('fails loudly on a backed-up object with one byte flipped, naming the object', async () => {
    const objects = JSON.parse(
      await inBackup(`cat '${manifest.replace(/\.json$/, '.objects.json')}'`),
    ) as { objects: { key: string; size: number; sha256: string }[] };
    const victim = objects.objects.find((o) => o.size > 0)!;
    const blob = `/backups/objects/blobs/${victim.sha256}`;
    await flipByte(blob);
    try {
      const drill = await ops(['restore-drill', '--manifest', manifest]);
      expect(drill.code).not.toBe(0);
      expect(drill.summary).toMatchObject({ kind: 'restore_drill', ok: false, recorded: true });
      expect(drill.summary.error).toMatch(
        new RegExp(
          `objects differ from the manifest: 1 of ${OBJECTS} \\(e\\.g\\. ${victim.key}\\)`,
        ),
      );
      expect(drill.summary.object_mismatches?.map((m) => m.key)).toEqual([victim.key]);
      expect(drill.output).toMatch(/FAILED: objects differ from the manifest/);
    } finally {
      await flipByte(blob); // the same bit back: later tests back up and restore this blob
    }
  }, 180_000);

  it('fails loudly on a dump with one byte flipped, and records the error', async () => {
    await flipByte(dump);

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

/** GET /api/v1/health from inside the backend container (this partial stack has no Caddy).
 * On a loaded host its db reads can pass their 2 s limit (health then says degraded, with null
 * backup fields): asked again until it is ok, up to 5 times. */
async function backendHealth(): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt++) {
    const { code, output } = await stack.compose([
      'exec',
      '-T',
      'backend',
      'node',
      '-e',
      "fetch('http://127.0.0.1:8080/api/v1/health').then(r => r.text()).then(t => console.log(t))",
    ]);
    expect(code, output).toBe(0);
    const health = JSON.parse(output.trim().split('\n').pop()!) as Record<string, unknown>;
    if (health.status === 'ok' || attempt === 5) return health;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

describe('the off-site copy (rclone crypt, a second bucket)', () => {
  const marker = `offsite-marker-${randomBytes(8).toString('hex')}`;

  it('holds only ciphertext: a plaintext marker in the local backup is in no off-site object', async () => {
    await liveSql(`insert into public.bots (name, project) values ('${marker}', 'wow_tbc')`);
    await inBackup(
      `printf '%s\\n' '${marker}' | ops rclone rcat live:${LIVE_BUCKET}/artifacts/installers/linux/${marker}.txt`,
    );
    const backup = await ops(['backup', '--reason', 'acceptance-offsite']);
    expect(backup.code, backup.output).toBe(0);
    expect(backup.summary.offsite).toMatchObject({ configured: true, bucket: OFFSITE_BUCKET });
    expect(backup.summary.offsite!.files).toBeGreaterThanOrEqual(3);
    expect(backup.summary.offsite!.bytes).toBeGreaterThan(0);
    expect(backup.summary.offsite!.bytes_per_second).toBeGreaterThan(0);
    // Health reports this backup as the last one, and good (read from ops.runs by the backend).
    const finished = await liveSql(
      `select to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') from ops.runs where id = ${backup.summary.run_id}`,
    );
    expect(await backendHealth()).toMatchObject({
      last_backup_at: finished,
      last_backup_ok: true,
      last_good_backup_at: finished,
      last_restore_drill_ok: false, // the corrupt-object and corrupt-dump drills above
      backup_max_age_seconds: 86_400 + 3600,
    });
    console.info(
      `off-site copy: ${backup.summary.offsite!.files} files, ${backup.summary.offsite!.bytes} bytes in ${backup.summary.offsite!.seconds} s (${backup.summary.offsite!.bytes_per_second} B/s)`,
    );

    // The marker is there in plaintext locally (the object, and its key in the manifest)...
    const local = await inBackup(`grep -rlF '${marker}' /backups/manifests /backups/objects/blobs`);
    expect(local.split('\n').length).toBeGreaterThanOrEqual(2);
    // ...and in no object of the off-site bucket, nor in any of its names.
    const names = await inBackup(`ops rclone lsf -R --files-only offsite:${OFFSITE_BUCKET}`);
    expect(names.split('\n').length).toBeGreaterThanOrEqual(3);
    expect(names).not.toMatch(/dumps|manifests|objects|\.json|\.dump|offsite-marker/);
    expect(
      await inBackup(
        `n=$(ops rclone cat offsite:${OFFSITE_BUCKET} | tee >(wc -c >/tmp/offsite.bytes) | grep -acF '${marker}' || true);
         sleep 0.2; echo "$n $(cat /tmp/offsite.bytes)"`,
      ),
    ).toMatch(/^0 [1-9]\d*$/);
  }, 180_000);

  it('restore-drill --from offsite restores the newest set from it alone, rows and objects', async () => {
    // The local copy of that dump goes: the drill can only pass from the off-site one.
    const latest = await inBackup(
      `ls /backups/manifests | grep -v objects | grep -v tampered | sort | tail -n 1`,
    );
    const dumpFile = await inBackup(`jq -r .dump.file '/backups/manifests/${latest}'`);
    await inBackup(`rm '/backups/dumps/${dumpFile}'`);
    await liveSql(`delete from public.bots where name = '${marker}'`);

    const drill = await ops(['restore-drill', '--from', 'offsite']);
    expect(drill.code, drill.output).toBe(0);
    expect(drill.summary).toMatchObject({
      kind: 'restore_drill',
      ok: true,
      from: 'offsite',
      mismatches: [],
      object_mismatches: [],
      // The first test emptied the bucket; the marker object is the one this set holds.
      objects: 1,
      objects_restored: 1,
    });
    expect(drill.summary.manifest).toBe(`/backups/drill/offsite/manifests/${latest}`);
    const restored = await backupSql(`select count(*) from public.bots where name = '${marker}'`, {
      PGHOST: 'drill-db',
      PGUSER: 'supabase_admin',
      PGDATABASE: 'drill',
    });
    expect(restored.output.trim()).toBe('1');
  }, 180_000);

  it('a backup whose off-site target refuses writes fails loudly and is recorded as failed', async () => {
    const { code, summary } = await ops(['backup', '--reason', 'acceptance-offsite-refused'], {
      OFFSITE_S3_SECRET_KEY: 'not-the-secret',
    });
    expect(code).not.toBe(0);
    expect(summary).toMatchObject({ kind: 'dump', ok: false, recorded: true });
    expect(summary.error).toMatch(
      /^off-site copy to http:\/\/minio:9000 bucket botmox-offsite failed/,
    );
    expect(
      await liveSql(
        `select ok, error like 'off-site copy%' from ops.runs where id = ${summary.run_id}`,
      ),
    ).toBe('f|t');
    // ...and health shows it: the last backup failed, the last good one is the earlier one.
    const health = await backendHealth();
    expect(health).toMatchObject({ last_backup_ok: false });
    expect(Date.parse(health.last_good_backup_at as string)).toBeLessThan(
      Date.parse(health.last_backup_at as string),
    );
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

/** `ops health` in the backup service: exit code and its `wal:` line. */
async function walHealth(): Promise<{ code: number; output: string; wal: string }> {
  const { code, output } = await stack.compose(['exec', '-T', 'backup', 'ops', 'health']);
  return { code, output, wal: output.split('\n').find((l) => l.startsWith('wal: ')) ?? '' };
}

/** Polls `ops health` until it passes; fails after `seconds`. */
async function untilHealthy(seconds: number): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const health = await walHealth();
    if (health.code === 0) return health.output;
    if (Date.now() > deadline) throw new Error(`ops health still failing:\n${health.output}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Signals the pg_receivewal that the backup service's loop runs (its pid is in the state dir). */
async function signalStreamer(signal: 'STOP' | 'CONT' | 'KILL', then = 'true') {
  return stack.compose([
    'exec',
    '-T',
    'backup',
    'bash',
    '-c',
    `kill -${signal} "$(cat /tmp/ops-scheduler/wal.pid)" && ${then}`,
  ]);
}

/** Restarts drill-db in PITR mode (it waits for the drill's restored data), then runs the drill. */
async function pitrDrill(args: string[]) {
  await startDrillDb(stack, 'pitr');
  return ops(['pitr-drill', ...args]);
}

/** SQL on the drill-db after a PITR drill: the restored cluster, read as the backup role. */
async function drillSql(sql: string): Promise<string> {
  const { code, output } = await backupSql(sql, { PGHOST: 'drill-db' });
  expect(code, output).toBe(0);
  return output.trim();
}

describe('WAL streaming, base backups and point-in-time recovery', () => {
  it('streams WAL over its slot, reports it in health, and takes a verified base backup', async () => {
    expect(
      await liveSql(
        `select slot_type, active from pg_replication_slots where slot_name = 'botmox_wal'`,
      ),
    ).toBe('physical|t');
    const health = await walHealth();
    expect(health.code, health.output).toBe(0);
    expect(health.wal).toMatch(
      /^wal: streaming to \/backups\/wal \(slot botmox_wal, pid \d+, restarts \d+, behind \d+ bytes \/ \d+ s, slot retains \d+ MB \(reserved\)\)$/,
    );
    const base = await ops(['basebackup', '--reason', 'acceptance']);
    expect(base.code, base.output).toBe(0);
    expect(base.summary).toMatchObject({ kind: 'base', ok: true, recorded: true });
    expect(base.summary.bytes).toBeGreaterThan(1_000_000);
    expect(base.output).toMatch(/ops basebackup: pg_verifybackup /);
    const manifest = await stack.compose(['exec', '-T', 'backup', 'cat', base.summary.manifest!]);
    expect(JSON.parse(manifest.output)).toMatchObject({
      kind: 'base',
      base: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      wal: { timeline: 1, start_segment: expect.stringMatching(/^[0-9A-F]{24}$/) },
    });
  }, 180_000);

  it('PITR: write A, note the time, write B; a drill to that time has A and not B', async () => {
    await liveSql(`create table public.pitr_probe (id serial primary key, v text not null)`);
    await liveSql(`insert into public.pitr_probe (v) values ('A')`);
    const aCommitted = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const target = await liveSql(
      `select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    );
    await new Promise((r) => setTimeout(r, 1000));
    await liveSql(`insert into public.pitr_probe (v) values ('B')`);

    const drill = await pitrDrill(['--to', target]);
    expect(drill.code, drill.output).toBe(0);
    expect(drill.summary).toMatchObject({ kind: 'pitr_drill', ok: true, recorded: true });
    expect(drill.summary.target).toBe(target.replace('T', ' ').replace('Z', '+00'));
    // The last transaction recovered is A's insert: after A, not after the target.
    const last = Date.parse(drill.summary.last_transaction_at!);
    expect(last).toBeGreaterThan(aCommitted - 5000);
    expect(last).toBeLessThanOrEqual(Date.parse(target));
    expect(drill.summary.rto_seconds).toBeGreaterThan(0);
    expect(await drillSql(`select string_agg(v, ',' order by id) from public.pitr_probe`)).toBe(
      'A',
    );
    console.info(
      `PITR drill: RTO ${drill.summary.rto_seconds} s, last transaction ${drill.summary.last_transaction_at}, target ${target}`,
    );
  }, 240_000);

  it('fails the PITR drill loudly when no base backup is older than the target', async () => {
    const drill = await ops(['pitr-drill', '--to', '2001-01-01T00:00:00Z']);
    expect(drill.code).not.toBe(0);
    expect(drill.summary).toMatchObject({ kind: 'pitr_drill', ok: false, recorded: true });
    expect(drill.summary.error).toMatch(/no base backup finished before 2001-01-01/);
    const bad = await stack.compose(['exec', '-T', 'backup', 'ops', 'pitr-drill', '--to', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/--to: cannot read "soon" as a time/);
  });

  it('health fails while the streamer stalls, naming the lag and the WAL the slot retains', async () => {
    const stop = await signalStreamer('STOP');
    expect(stop.code, stop.output).toBe(0);
    try {
      // About 12 MB of WAL the stalled receiver does not take: past the 8 MB limit set above.
      await liveSql(
        `insert into public.pitr_probe (v) select repeat('x', 1000) from generate_series(1, 12000)`,
      );
      const stalled = await walHealth();
      expect(stalled.code, stalled.output).not.toBe(0);
      expect(stalled.wal).toMatch(/^wal: lagging: more than 8388608 bytes or 60 s behind/);
      const behind = Number(/behind (\d+) bytes/.exec(stalled.wal)?.[1]);
      expect(behind).toBeGreaterThan(8 * 1024 * 1024);
      expect(Number(/slot retains (\d+) MB/.exec(stalled.wal)?.[1])).toBeGreaterThanOrEqual(8);
    } finally {
      await signalStreamer('CONT');
    }
    expect(await untilHealthy(60)).toMatch(/^wal: streaming .*behind 0 bytes/m);
  }, 120_000);

  it('the streamer killed under writes resumes from its slot: health shows the stop, the drill reaches the last write', async () => {
    const writes = stack.compose([
      'exec',
      '-T',
      'db',
      'bash',
      '-c',
      `for i in $(seq 1 30); do
         psql -X -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 \
           -c "insert into public.pitr_probe (v) values ('w$i')" || exit 1
         sleep 0.2
       done`,
    ]);
    const restarts = Number(/restarts (\d+)/.exec((await walHealth()).wal)?.[1]);
    await new Promise((r) => setTimeout(r, 1000));
    const killed = await signalStreamer('KILL', 'sleep 0.5; ops health');
    expect(killed.code).not.toBe(0);
    expect(killed.output).toMatch(/^wal: not streaming: pg_receivewal is not running/m);
    const written = await writes;
    expect(written.code, written.output).toBe(0);
    const resumed = await untilHealthy(60);
    expect(Number(/^wal: streaming .*restarts (\d+),/m.exec(resumed)?.[1])).toBeGreaterThan(
      restarts,
    );
    const live = await liveSql(`select count(*), max(id) from public.pitr_probe`);

    const drill = await pitrDrill([]);
    expect(drill.code, drill.output).toBe(0);
    expect(drill.summary).toMatchObject({ kind: 'pitr_drill', ok: true, target: 'latest' });
    // Every row the live db has, up to the last write: no gap where the streamer was down.
    expect(await drillSql(`select count(*), max(id) from public.pitr_probe`)).toBe(live);
    console.info(
      `PITR drill (latest, after a killed streamer): RTO ${drill.summary.rto_seconds} s, WAL held ${drill.summary.wal_wait_seconds} s after the drill's write, last transaction ${drill.summary.last_transaction_at}`,
    );
  }, 240_000);

  it('ops backup --reason pre-deploy also switches WAL and waits until it is streamed', async () => {
    const backup = await ops(['backup', '--reason', 'pre-deploy']);
    expect(backup.code, backup.output).toBe(0);
    expect(backup.summary).toMatchObject({ kind: 'dump', ok: true });
    expect(backup.summary.wal_switch_lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(backup.summary.wal_streamed_seconds).toBeGreaterThanOrEqual(0);
    // The backup role may switch WAL, and nothing broader came with it.
    const checkpoint = await backupSql('checkpoint');
    expect(checkpoint.code).not.toBe(0);
  }, 120_000);

  it('ops backup --kind auto takes a pre-deploy restore point; a drill to its name has exactly the rows as they were at it', async () => {
    await liveSql(`create table public.point_probe (id int primary key, v text not null)`);
    await liveSql(`insert into public.point_probe values (1, 'before'), (2, 'before')`);
    const rows = `select coalesce(string_agg(id || '=' || v, ',' order by id), '') from public.point_probe`;
    const atPoint = await liveSql(rows);
    expect(atPoint).toBe('1=before,2=before');

    const point = await ops([
      'backup',
      '--reason',
      'pre-deploy',
      '--kind',
      'auto',
      '--label',
      'tag-1',
    ]);
    expect(point.code, point.output).toBe(0);
    expect(point.summary).toMatchObject({ kind: 'wal', ok: true, recorded: true });
    expect(point.summary.restore_point).toMatch(/^pre-deploy-tag-1-\d{8}T\d{6}\.\d{3}Z$/);
    expect(point.summary.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(point.summary.segment).toMatch(/^[0-9A-F]{24}$/);
    expect(point.output).not.toMatch(/pg_dump/);
    // After the point: a row added, one changed, one deleted.
    await liveSql(`insert into public.point_probe values (3, 'after')`);
    await liveSql(`update public.point_probe set v = 'changed' where id = 1`);
    await liveSql(`delete from public.point_probe where id = 2`);
    expect(await liveSql(rows)).toBe('1=changed,3=after');

    const name = point.summary.restore_point!;
    const drill = await pitrDrill(['--to-name', name]);
    expect(drill.code, drill.output).toBe(0);
    expect(drill.summary).toMatchObject({
      kind: 'pitr_drill',
      ok: true,
      target: name,
      restore_point_lsn: point.summary.lsn,
    });
    expect(await drillSql(rows)).toBe(atPoint);
    console.info(`PITR drill to restore point ${name}: RTO ${drill.summary.rto_seconds} s`);

    const unknown = await ops(['pitr-drill', '--to-name', 'no-such-point']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.summary.error).toMatch(/no restore point named no-such-point in ops\.runs/);
  }, 240_000);

  it('ops backup --kind auto takes a dump instead, saying why, without healthy streaming or a base backup; --kind restore-point fails', async () => {
    const noStream = { BACKUP_WAL_SLOT: 'no_such_slot' };
    const streamless = await ops(['backup', '--reason', 'pre-deploy', '--kind', 'auto'], noStream);
    expect(streamless.code, streamless.output).toBe(0);
    expect(streamless.summary).toMatchObject({ kind: 'dump', ok: true });
    expect(streamless.summary.restore_point_skipped).toMatch(
      /^WAL streaming is not healthy: slot no_such_slot does not exist/,
    );
    const baseless = await ops(['backup', '--kind', 'auto'], { BACKUP_DIR: '/tmp/no-base' });
    expect(baseless.code, baseless.output).toBe(0);
    expect(baseless.summary).toMatchObject({ kind: 'dump', ok: true });
    expect(baseless.summary.restore_point_skipped).toMatch(
      /^no base backup in \/tmp\/no-base\/base/,
    );
    const strict = await ops(['backup', '--kind', 'restore-point'], noStream);
    expect(strict.code).not.toBe(0);
    expect(strict.summary).toMatchObject({ kind: 'wal', ok: false, recorded: true });
    expect(strict.summary.error).toMatch(/^no restore point: WAL streaming is not healthy/);
    const bad = await stack.compose([
      'exec',
      '-T',
      'backup',
      'ops',
      'backup',
      '--kind',
      'snapshot',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.output).toMatch(/--kind must be dump, restore-point or auto, not "snapshot"/);
  }, 180_000);

  it('ops prune keeps the newest set per day and week, and WAL back to the oldest kept base backup', async () => {
    // Sets from other days and weeks than today's, and a WAL segment older than any base backup.
    const seed = await stack.compose([
      'exec',
      '-T',
      'backup',
      'bash',
      '-c',
      `set -e; cd /backups
       for s in 20250101T000000.000Z 20250102T000000.000Z 20250102T120000.000Z; do
         echo '{}' > manifests/$s.json; echo x > dumps/$s.dump
       done
       echo x > wal/000000010000000000000000
       # An old set's objects manifest with its blob, and a blob no manifest names.
       echo '{"objects": [{"key": "k", "size": 2, "sha256": "${'a'.repeat(64)}"}]}' \
         > manifests/20250101T000000.000Z.objects.json
       echo x > objects/blobs/${'a'.repeat(64)}; echo y > objects/blobs/${'b'.repeat(64)}`,
    ]);
    expect(seed.code, seed.output).toBe(0);
    const prune = await stack.compose([
      'exec',
      '-T',
      ...['-e', 'BACKUP_KEEP_DAILY=2', '-e', 'BACKUP_KEEP_WEEKLY=2'],
      'backup',
      ...['ops', 'prune'],
    ]);
    expect(prune.code, prune.output).toBe(0);
    const left = await stack.compose([
      'exec',
      '-T',
      'backup',
      'bash',
      '-c',
      'cd /backups && ls manifests dumps wal',
    ]);
    // Daily 2: today's newest and 2025-01-02's newest; weekly 2: this week's and 2025-W01's
    // newest (the same 2025-01-02 set); 2025-01-01 and the older 2025-01-02 set go.
    expect(left.output).toMatch(/20250102T120000\.000Z\.json/);
    expect(left.output).not.toMatch(/20250101T000000|20250102T000000/);
    expect(left.output).not.toMatch(/^000000010000000000000000$/m);
    const summary = prune.output.split('\n').find((l) => l.startsWith('{"event":"ops.prune"'));
    expect(JSON.parse(summary!)).toMatchObject({ ok: true });
    expect(JSON.parse(summary!).deleted_wal_segments).toBeGreaterThanOrEqual(1);
    // Blobs: exactly those the kept objects manifests name; the seeded ones went. (The 12 objects
    // the first test deleted from the bucket may have gone already: the scheduler prunes after
    // its first base backup, 10 min after start.)
    expect(JSON.parse(summary!).deleted_blobs).toBeGreaterThanOrEqual(2);
    const blobs = await inBackup(
      `cd /backups && ls objects/blobs | sort | tr '\\n' ' '; echo '|';
       cat manifests/*.objects.json | jq -r '.objects[].sha256' | sort -u | tr '\\n' ' '`,
    );
    const [kept, named] = blobs.split('|').map((x) => x.trim());
    expect(kept).toBe(named);
    expect(kept).toMatch(/^[0-9a-f]{64}/);
    expect(kept).not.toMatch(/aaaaaaaa|bbbbbbbb/);
  }, 120_000);
});
