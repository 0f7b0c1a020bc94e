// pnpm bench:backup — backups on the stack as it ships (issue 12, DESIGN §13), for a generated
// database of about BENCH_BACKUP_MB (default 1024) MB: `ops basebackup` (pg_basebackup) and
// `ops backup` (pg_dump -Fc), each against a raw `cp -a` of the same data directory in the same
// run; the restore RTO of `ops restore-drill` and `ops pitr-drill`; how far WAL streaming runs
// behind under a steady write load; and the off-site copy's throughput. Writes
// bench-results/backup.json. MB here are 2^20 bytes.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  downWithDrill,
  execIn,
  OFFSITE_BUCKET,
  type OpsRun,
  psqlIn,
  runOps,
  startBackupStack,
  startDrillDb,
} from '../harness/backup.ts';
import { repoRoot } from '../harness/manifest.ts';
import type { StartedStack } from '../harness/stack.ts';
import { lagSamplerSql, rollupSql, roundSql, UNIT_ROWS, writeLoadSql } from './backup-data.ts';

const run = promisify(execFile);
const MB = 2 ** 20;
const TARGETS = {
  restoreRtoSeconds: 300,
  pitrRtoSeconds: 300,
  walLagSeconds: 60,
  walLagSecondsBetter: 5,
};
const WAL_SLOT = 'botmox_wal';

/** A positive number from env, or the default; anything else stops the bench with one line. */
function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench:backup: ${name} must be a positive number, not "${raw}"`);
    process.exit(2);
  }
  return value;
}

const SIZE_MB = envNumber('BENCH_BACKUP_MB', 1024);
const LAG_SECONDS = envNumber('BENCH_BACKUP_LAG_SECONDS', 60);
const WRITES_PER_SECOND = envNumber('BENCH_BACKUP_WRITES_PER_SECOND', 100);
const LAG_SAMPLE_SECONDS = 0.5;

const log = (message: string) =>
  console.log(`${new Date().toISOString().slice(11, 19)} [bench:backup] ${message}`);
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const mbPerSecond = (bytes: number, seconds: number | null) =>
  seconds && seconds > 0 ? round1(bytes / MB / seconds) : null;
const since = (started: number) => (performance.now() - started) / 1000;

/** SQL in the db container over its loopback (trusted there, as upstream's pg_hba does). */
async function dbSql(stack: StartedStack, sql: string, user = 'supabase_admin'): Promise<string> {
  const { code, output } = await psqlIn(stack, 'db', {}, [
    ...['-h', '127.0.0.1', '-U', user, '-d', 'postgres', '-c', sql],
  ]);
  if (code !== 0) throw new Error(`psql as ${user} failed (exit ${code}):\n${output}`);
  return output.trim();
}

/** Seconds per step of an ops command, from its progress lines' timestamps (1 s resolution):
 * each step lasts until the next line, the last until the run finished. */
function stepSeconds(output: string, finishedAt?: string): { step: string; seconds: number }[] {
  const lines = [...output.matchAll(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) ops [\w-]+: (.*)$/gm)];
  const end = finishedAt ? Date.parse(finishedAt) : NaN;
  return lines.map((m, i) => {
    const next = lines[i + 1] ? Date.parse(lines[i + 1]![1]!) : end;
    return { step: m[2]!, seconds: round1(Math.max(0, (next - Date.parse(m[1]!)) / 1000)) };
  });
}

const stepOf = (steps: { step: string; seconds: number }[], prefix: string) =>
  steps.find((s) => s.step.startsWith(prefix))?.seconds ?? null;

/** An ops command timed from here, with what the bench reports of any run. */
async function timedOps(stack: StartedStack, args: string[], env: Record<string, string> = {}) {
  log(`ops ${args.join(' ')}`);
  const started = performance.now();
  const result: OpsRun = await runOps(stack, args, env);
  const wall = round1(since(started));
  const ok = result.code === 0 && result.summary?.ok === true;
  if (!ok) console.error(result.output);
  const steps = stepSeconds(result.output, result.summary?.finished_at);
  for (const { step, seconds } of steps) log(`  ${seconds} s  ${step}`);
  log(`ops ${args[0]}: ${ok ? 'ok' : `FAILED (exit ${result.code})`} in ${wall} s`);
  return {
    ...result,
    ok,
    wall,
    steps,
    report: {
      ok,
      exit_code: result.code,
      error: result.summary?.error ?? (ok ? null : result.output.split('\n').slice(-3).join(' ')),
      wall_seconds: wall,
    },
  };
}

/** Fills the real tables in rounds until pg_database_size reaches SIZE_MB. */
async function generate(stack: StartedStack) {
  const target = SIZE_MB * MB;
  const started = performance.now();
  const rows: Record<string, number> = Object.fromEntries(
    Object.keys(UNIT_ROWS).map((t) => [t, 0]),
  );
  let size = Number(await dbSql(stack, 'select pg_database_size(current_database())'));
  const emptySize = size;
  let units = 0;
  // A small first round measures a unit's bytes; the next ones aim at 1/16 of the target each.
  let roundUnits = 4;
  while (size < target) {
    const before = size;
    const out = await dbSql(stack, roundSql(units, roundUnits));
    size = Number(/^size\|(\d+)$/m.exec(out)?.[1]);
    if (!Number.isFinite(size)) throw new Error(`no database size after a round:\n${out}`);
    units += roundUnits;
    for (const [table, n] of Object.entries(UNIT_ROWS)) rows[table]! += n * roundUnits;
    const unitBytes = Math.max(1, (size - before) / roundUnits);
    roundUnits = Math.max(
      1,
      Math.min(Math.round(target / 16 / unitBytes), Math.ceil((target - size) / unitBytes)),
    );
    log(
      `generated ${round1(size / MB)} of ${SIZE_MB} MB (${units} units, ${round1(since(started))} s)`,
    );
  }
  const generateSeconds = since(started);
  log('rebuilding the finance rollup, vacuum analyze, checkpoint');
  const settle = performance.now();
  await dbSql(stack, rollupSql);
  await dbSql(stack, 'vacuum (analyze)');
  await dbSql(stack, 'checkpoint');
  size = Number(await dbSql(stack, 'select pg_database_size(current_database())'));
  return {
    size_bytes: size,
    size_mb: round1(size / MB),
    empty_size_mb: round1(emptySize / MB),
    rows,
    rows_total: Object.values(rows).reduce((a, b) => a + b, 0),
    generate_seconds: round1(generateSeconds),
    generate_mb_per_s: mbPerSecond(size - emptySize, generateSeconds),
    settle_seconds: round1(since(settle)),
  };
}

/** Waits until the WAL streamer has flushed what the server has written (a load just ended). */
async function untilStreamed(stack: StartedStack, seconds = 600) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const behind = Number(
      await dbSql(
        stack,
        `select coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), -1)::bigint
           from pg_replication_slots where slot_name = '${WAL_SLOT}'`,
      ),
    );
    if (behind >= 0 && behind < MB) return;
    if (Date.now() > deadline) throw new Error(`the WAL streamer is still ${behind} bytes behind`);
    await sleep(1000);
  }
}

/**
 * The throughput baseline: `cp -a` of the db volume (the live data directory, read-only, right
 * after a checkpoint with no writes) into the backups volume, in a throwaway container of the ops
 * image with the backup service's CPU and memory limits, then an fsync of every copied file (as
 * pg_basebackup syncs its output). Not a backup: a copy of a live data dir is inconsistent.
 */
async function cpBaseline(stack: StartedStack) {
  const backup = JSON.parse(
    (await run('docker', ['inspect', stack.container('backup').getId()])).stdout,
  )[0] as { HostConfig: { NanoCpus: number; Memory: number } };
  const cpus = backup.HostConfig.NanoCpus / 1e9;
  const memory = backup.HostConfig.Memory;
  const script = `set -u; d=/dst/.bench-cp; rm -rf "$d"
    bytes=$(du -sb /src | cut -f1); base=$(du -sb --exclude=pg_wal /src | cut -f1)
    t0=$(date +%s.%N); rc=0; cp -a /src "$d" 2>/tmp/cp.err || rc=$?; t1=$(date +%s.%N)
    find "$d" -type f -print0 | xargs -0 -r sync --; t2=$(date +%s.%N)
    rm -rf "$d"; echo "cp-result $rc $bytes $base $t0 $t1 $t2 $(wc -l </tmp/cp.err)"; head -n 3 /tmp/cp.err`;
  log(
    `cp -a of the data directory (${cpus} CPU, ${Math.round(memory / MB)} MB, as the backup service)`,
  );
  const { stdout } = await run(
    'docker',
    [
      ...['run', '--rm', '--name', `${stack.projectName}-cp-baseline`, '--network', 'none'],
      ...['--user', '0', '--cpus', String(cpus || 1), '--memory', String(memory || 256 * MB)],
      ...['-v', `${stack.projectName}_postgres-data:/src:ro`],
      ...['-v', `${stack.projectName}_backups:/dst`],
      ...['--entrypoint', 'bash', stack.image('ops'), '-c', script],
    ],
    { maxBuffer: 1 << 24 },
  );
  const m = /^cp-result (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/m.exec(stdout);
  if (!m) throw new Error(`the cp baseline printed no result:\n${stdout}`);
  const [rc, bytes, baseBytes, t0, t1, t2, errors] = m.slice(1).map(Number) as number[];
  const cpSeconds = t1! - t0!;
  const withSync = t2! - t0!;
  return {
    how: 'cp -a of the db volume mounted read-only into the backups volume, in a throwaway container of the ops image with the backup service limits; then sync of every copied file',
    note: 'a throughput baseline only: a copy of a live data directory is not a consistent backup',
    cpus,
    memory_mb: Math.round(memory / MB),
    data_dir_bytes: bytes!,
    data_dir_mb: round1(bytes! / MB),
    // What pg_basebackup copies: all but pg_wal (it streams only the WAL the backup needs).
    data_dir_without_wal_bytes: baseBytes!,
    exit_code: rc!,
    error_lines: errors!,
    seconds: round2(cpSeconds),
    mb_per_s: mbPerSecond(bytes!, cpSeconds),
    seconds_with_fsync: round2(withSync),
    mb_per_s_with_fsync: mbPerSecond(bytes!, withSync),
  };
}

/** p50 and max of a few hundred samples (exact: nearest rank on the sorted values). */
function spread(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return { p50: null, max: null };
  return { p50: round2(sorted[Math.ceil(sorted.length / 2) - 1]!), max: round2(sorted.at(-1)!) };
}

/**
 * WAL lag under the steady write load: the load, the sampler (both in the db container) and
 * `ops health` every 10 s, for LAG_SECONDS. Seconds behind as the health check computes them
 * (how long ago the server's position passed what the receiver has flushed, from the samples),
 * and pg_stat_replication's flush lag of the receiver.
 */
async function walLag(stack: StartedStack) {
  log(`WAL lag: ${WRITES_PER_SECOND} write transactions/s for ${LAG_SECONDS} s`);
  const writer = psqlIn(stack, 'db', {}, [
    ...['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres'],
    ...['-c', writeLoadSql(WRITES_PER_SECOND, LAG_SECONDS)],
  ]);
  const sampler = psqlIn(stack, 'db', {}, [
    ...['-h', '127.0.0.1', '-U', 'supabase_admin', '-d', 'postgres'],
    ...['-c', lagSamplerSql(WAL_SLOT, LAG_SECONDS, LAG_SAMPLE_SECONDS)],
  ]);
  const health: { ok: boolean; wal: string }[] = [];
  const healthLoop = (async () => {
    const end = Date.now() + LAG_SECONDS * 1000;
    while (Date.now() < end) {
      await sleep(10_000);
      const { code, output } = await execIn(stack, 'backup', ['ops', 'health']);
      health.push({ ok: code === 0, wal: /^wal: .*$/m.exec(output)?.[0] ?? output.trim() });
    }
  })();
  const [written, sampled] = await Promise.all([writer, sampler, healthLoop]);
  if (written.code !== 0) throw new Error(`the write load failed:\n${written.output}`);
  if (sampled.code !== 0) throw new Error(`the lag sampler failed:\n${sampled.output}`);
  const transactions = Number(/bench writes: (\d+)/.exec(written.output)?.[1] ?? NaN);
  const samples = [
    ...sampled.output.matchAll(/lag-sample ([\d.]+) (\d+) (\d+) (-?[\d.]+) (-?[\d.]+)/g),
  ].map((m) => ({
    t: Number(m[1]),
    current: Number(m[2]),
    flushed: Number(m[3]),
    writeLag: Number(m[4]),
    flushLag: Number(m[5]),
  }));
  if (samples.length < 2) throw new Error(`too few lag samples:\n${sampled.output}`);
  // As ops health: behind by how long ago the server first was past what is flushed now.
  const secondsBehind = samples.map((s, i) => {
    const first = samples.slice(0, i + 1).find((p) => p.current > s.flushed);
    return first ? s.t - first.t : 0;
  });
  const walBytes = samples.at(-1)!.current - samples[0]!.current;
  const seconds = samples.at(-1)!.t - samples[0]!.t;
  return {
    seconds: round1(seconds),
    writes_per_second_target: WRITES_PER_SECOND,
    transactions,
    writes_per_second: round1(transactions / LAG_SECONDS),
    wal_bytes: walBytes,
    wal_mb_per_s: mbPerSecond(walBytes, seconds),
    samples: samples.length,
    sample_interval_seconds: LAG_SAMPLE_SECONDS,
    bytes_behind: spread(samples.map((s) => Math.max(0, s.current - s.flushed))),
    seconds_behind: spread(secondsBehind),
    flush_lag_seconds: spread(samples.map((s) => Math.max(0, s.flushLag))),
    write_lag_seconds: spread(samples.map((s) => Math.max(0, s.writeLag))),
    health_checks: {
      runs: health.length,
      failed: health.filter((h) => !h.ok).length,
      last: health.at(-1)?.wal ?? null,
    },
  };
}

async function main() {
  const loadBefore = loadavg();
  log(`starting the backup stack (db, minio, backup; off-site bucket ${OFFSITE_BUCKET})`);
  const t0 = performance.now();
  // The scheduler stays out of the measurements: its first dump and base backup a day away.
  const stack = await startBackupStack({
    env: { BACKUP_FIRST_DUMP_DELAY_SECONDS: '86400', BACKUP_FIRST_BASE_DELAY_SECONDS: '86400' },
  });
  log(`healthy after ${round1(since(t0))} s (images ${stack.imageTag})`);
  try {
    log(`generating about ${SIZE_MB} MB in the app's tables`);
    const database = await generate(stack);
    log(
      `database: ${database.size_mb} MB, ${database.rows_total} rows in ${database.generate_seconds} s`,
    );
    await untilStreamed(stack);

    const cp = await cpBaseline(stack);
    log(
      `cp -a: ${cp.data_dir_mb} MB in ${cp.seconds} s (${cp.mb_per_s} MB/s; with fsync ${cp.mb_per_s_with_fsync} MB/s)`,
    );

    // The base backup without the off-site copy (it would carry all the WAL of the load above);
    // prune then drops that WAL (older than the base backup), and the dump's off-site copy sends
    // the finished set: dump, base backup, manifests, WAL since.
    const base = await timedOps(stack, ['basebackup', '--reason', 'bench'], {
      OFFSITE_S3_ENDPOINT: '',
    });
    const baseSeconds = stepOf(base.steps, 'pg_basebackup ');
    const prune = await execIn(stack, 'backup', ['ops', 'prune']);
    if (prune.code !== 0) console.error(`ops prune failed:\n${prune.output}`);

    const dump = await timedOps(stack, ['backup', '--reason', 'bench']);
    const dumpSeconds = stepOf(dump.steps, 'pg_dump ');
    const offsite = dump.summary?.offsite;

    await startDrillDb(stack, 'dump');
    const restore = await timedOps(stack, ['restore-drill', '--reason', 'bench']);

    const lag = await walLag(stack);
    log(
      `WAL lag: p50 ${lag.seconds_behind.p50} s / max ${lag.seconds_behind.max} s, bytes max ${lag.bytes_behind.max}`,
    );
    await untilStreamed(stack);

    const drillStart = performance.now();
    await startDrillDb(stack, 'pitr');
    const drillDbSeconds = round1(since(drillStart));
    const pitr = await timedOps(stack, ['pitr-drill', '--reason', 'bench']);

    const ratio = (a: number | null, b: number | null) => (a && b ? round2(a / b) : null);
    const baseMbs = mbPerSecond(cp.data_dir_without_wal_bytes, baseSeconds);
    const dumpMbs = mbPerSecond(database.size_bytes, dumpSeconds);
    const worstLagSeconds = Math.max(
      lag.seconds_behind.max ?? Infinity,
      lag.flush_lag_seconds.max ?? Infinity,
    );
    const result = {
      bench: 'backup',
      date: new Date().toISOString(),
      image_tag: stack.imageTag,
      load_average_before: loadBefore.map(round1),
      load_average_after: loadavg().map(round1),
      units: 'MB = 2^20 bytes; step seconds from the ops progress lines (1 s resolution)',
      size_mb_requested: SIZE_MB,
      database,
      cp_baseline: cp,
      base_backup: {
        ...base.report,
        pg_basebackup_seconds: baseSeconds,
        mb_per_s: baseMbs,
        mb_per_s_of: 'data directory bytes without pg_wal / pg_basebackup seconds',
        to_cp: ratio(baseMbs, cp.mb_per_s),
        to_cp_with_fsync: ratio(baseMbs, cp.mb_per_s_with_fsync),
        ops_seconds: base.summary?.seconds ?? null,
        archive_bytes: base.summary?.bytes ?? null,
        steps: base.steps,
      },
      dump: {
        ...dump.report,
        pg_dump_seconds: dumpSeconds,
        mb_per_s: dumpMbs,
        mb_per_s_of: 'pg_database_size / pg_dump seconds',
        to_cp: ratio(dumpMbs, cp.mb_per_s),
        ops_seconds: dump.summary?.seconds ?? null,
        ops_seconds_without_offsite:
          dump.summary && offsite?.seconds !== undefined
            ? round1(dump.summary.seconds - offsite.seconds)
            : null,
        dump_bytes: dump.summary?.bytes ?? null,
        tables: dump.summary?.tables ?? null,
        rows: dump.summary?.rows ?? null,
        steps: dump.steps,
      },
      offsite: {
        what: 'the off-site copy at the end of ops backup: the new dump, the base backup, manifests and WAL since, through rclone crypt to a second bucket on the stack S3 server',
        files: offsite?.files ?? null,
        bytes: offsite?.bytes ?? null,
        seconds: offsite?.seconds ?? null,
        mb_per_s: offsite?.bytes ? mbPerSecond(offsite.bytes, offsite.seconds ?? null) : null,
      },
      restore_drill: {
        ...restore.report,
        rto_seconds: restore.summary?.rto_seconds ?? null,
        pg_restore_seconds: restore.summary?.restore_seconds ?? null,
        tables: restore.summary?.tables ?? null,
        rows_restored: restore.summary?.rows_restored ?? null,
        steps: restore.steps,
      },
      pitr_drill: {
        ...pitr.report,
        drill_db_recreate_seconds: drillDbSeconds,
        rto_seconds: pitr.summary?.rto_seconds ?? null,
        recovery_seconds: pitr.summary?.restore_seconds ?? null,
        wal_segments: pitr.summary?.wal_segments ?? null,
        last_transaction_at: pitr.summary?.last_transaction_at ?? null,
        steps: pitr.steps,
      },
      wal_lag: lag,
      targets: TARGETS,
      met: {
        restore_rto: restore.ok && restore.wall <= TARGETS.restoreRtoSeconds,
        pitr_rto: pitr.ok && pitr.wall <= TARGETS.pitrRtoSeconds,
        wal_lag: worstLagSeconds <= TARGETS.walLagSeconds,
        wal_lag_better: worstLagSeconds <= TARGETS.walLagSecondsBetter,
      },
    };
    const out = path.join(repoRoot, 'bench-results/backup.json');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    const summary = [
      `database ${database.size_mb} MB (${database.rows_total} rows), data directory ${cp.data_dir_mb} MB`,
      `cp -a baseline   ${cp.mb_per_s} MB/s (${cp.seconds} s; with fsync ${cp.mb_per_s_with_fsync} MB/s)`,
      `pg_basebackup    ${baseMbs} MB/s (${baseSeconds} s; ops basebackup ${base.wall} s, ${base.ok ? 'ok' : 'FAILED'}) = ${result.base_backup.to_cp} x cp`,
      `pg_dump -Fc      ${dumpMbs} MB/s (${dumpSeconds} s; ops backup ${dump.wall} s, ${dump.ok ? 'ok' : 'FAILED'}) = ${result.dump.to_cp} x cp`,
      `off-site copy    ${result.offsite.mb_per_s} MB/s (${offsite?.bytes ?? '?'} bytes in ${offsite?.seconds ?? '?'} s)`,
      `restore drill    ${restore.wall} s wall (RTO ${restore.summary?.rto_seconds ?? '?'} s, ${restore.ok ? 'ok' : 'FAILED'}; target ${TARGETS.restoreRtoSeconds} s)`,
      `PITR drill       ${pitr.wall} s wall (+ ${drillDbSeconds} s drill-db start; ${pitr.ok ? 'ok' : 'FAILED'})`,
      `WAL lag          ${lag.seconds_behind.p50} s p50 / ${lag.seconds_behind.max} s max, ${lag.bytes_behind.max} bytes max, flush lag max ${lag.flush_lag_seconds.max} s at ${lag.writes_per_second} tx/s (${lag.wal_mb_per_s} MB/s WAL)`,
      `met              ${Object.entries(result.met)
        .map(([k, v]) => `${k} ${v ? 'yes' : 'NO'}`)
        .join(', ')}`,
    ];
    console.log(summary.map((line) => `[bench:backup] ${line}`).join('\n'));
    log(`wrote ${out}`);
  } finally {
    await downWithDrill(stack);
  }
}

main().catch((err: unknown) => {
  console.error(`bench:backup: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
