// pnpm bench:migrate: migrate:rtdb on the shared legacy export into a fresh Postgres from the
// image manifest (the acceptance harness), against a raw COPY of the same normalised rows in the
// same run, then the re-run (nothing to change), then the cutover's write freeze. Writes
// bench-results/migrate.json.
//
// Two COPY baselines, each the rows the import's rules produced, with no comparison, no change
// counting and no rejects:
// * copy_real_tables (like for like): into the real tables of a scratch database cloned from the
//   freshly migrated one before the import (same migrations, triggers, foreign keys, RLS), bot
//   references resolved to the copied bots' ids and license_bots written, in the import's bulk
//   mode (bot_mox.bulk: one finance event per statement), committed;
// * copy_bare_tables (the earlier figure): into copies of the tables (`like ... including all`:
//   indexes and checks, no triggers, no foreign keys, references left unresolved).
//
// The cutover is measured in-process (the stack suite's stack/cutover-rtdb.test.ts does the same
// through Caddy and the backend image, and logs its figure): the firebase-server stand-in loaded
// with the same export, two API replicas serving DATA_BACKEND=rtdb from it with the production
// RUNTIME_POLL_MS (1000), `cli cutover` with its default settle, under a write load (POST loops
// alternating between the replicas). Target: writes frozen < 60 s.
//
// The import and the re-run record their per-phase timings (timings.ts) in the JSON.
//
// Env: BENCH_BATCH_SIZE (500), BENCH_OUT (bench-results/migrate.json), RTDB_EXPORT (the fixture).
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
// The harness lives in the acceptance package (which depends on this one); import it by path.
import { startPostgresAndRtdb, type StartedRtdb } from '../../../../acceptance/src/harness/rtdb.ts';
import { parseConfig } from '../../config.ts';
import { createDatabase } from '../../platform/db/database.ts';
import { createLogger } from '../../platform/logger.ts';
import { startServer, type RunningServer } from '../../server.ts';
import { mintJwt } from '../../test-support/jwt.ts';
import { cutoverCommand, type CutoverResult } from './cutover.ts';
import { readExport } from './export-reader.ts';
import { migrateRtdb } from './migrate.ts';
import { DOMAINS, mapRecord, type Domain, type Row } from './records.ts';
import { formatTimings } from './timings.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../../..');
const file = path.resolve(
  repoRoot,
  process.env.RTDB_EXPORT ?? '../shared/fixtures/rtdb-export.json',
);
const out = path.resolve(repoRoot, process.env.BENCH_OUT ?? 'bench-results/migrate.json');
const batchSize = Number(process.env.BENCH_BATCH_SIZE ?? 500);
const log = (line: string) => console.log(`bench:migrate: ${line}`);
const seconds = (t0: number) => Math.round(performance.now() - t0) / 1000;
const rate = (n: number, s: number) => Math.round(n / s);
const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

const TABLE: Record<Domain, string> = {
  bots: 'bots',
  licenses: 'licenses',
  proxies: 'proxies',
  subscriptions: 'subscriptions',
  notes: 'notes',
  tasks: 'tasks',
  calendar_events: 'calendar_events',
  finance_operations: 'finance_operations',
  settings: 'settings',
};

/** The import's own parse + rules, without the database: rows per domain. */
async function parseAndMap(): Promise<Map<Domain, Row[]>> {
  const rows = new Map<Domain, Row[]>(DOMAINS.map((d) => [d, []]));
  for await (const item of readExport(file, new Set(DOMAINS))) {
    if (item.type !== 'record') continue;
    const m = mapRecord(item.domain, item.key, item.value);
    if (m.row) rows.get(item.domain)!.push(m.row);
  }
  return rows;
}

// CSV for COPY: arrays as Postgres array literals, objects as JSON, NULL as an empty field.
const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
const arrayLiteral = (a: unknown[]) =>
  `{${a.map((x) => `"${String(x).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return quote(arrayLiteral(v));
  if (typeof v === 'object') return quote(JSON.stringify(v));
  return quote(String(v));
}

/** COPY of `rows` (one table) as CSV; `cols` in order. */
async function copyRows(c: pg.Client, table: string, cols: string[], rows: Row[]): Promise<void> {
  if (!rows.length) return;
  const text = rows.map((r) => cols.map((k) => csvField(r[k])).join(',')).join('\n');
  const copy = c.query(copyFrom(`copy ${table} (${cols.join(', ')}) from stdin with (format csv)`));
  await pipeline(Readable.from([text]), copy);
}

/** The mapped rows with their created_at/updated_at filled (now() for a new row, as the import). */
const withTimes = (list: Row[], now: string): Row[] =>
  list.map((r) => {
    const out = { ...r };
    for (const k of ['created_at', 'updated_at']) if (k in out) out[k] ??= now;
    return out;
  });

/** The earlier baseline: copies of the tables without triggers and foreign keys. */
async function copyBareTables(url: string, rows: Map<Domain, Row[]>): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('create schema bench_copy');
    for (const d of DOMAINS)
      await c.query(`create table bench_copy.${TABLE[d]} (like public.${TABLE[d]} including all)`);
    const now = new Date().toISOString();
    const t0 = performance.now();
    await c.query('begin');
    for (const d of DOMAINS) {
      const list = withTimes(rows.get(d)!, now);
      const cols = Object.keys(list[0] ?? {}).filter((k) => k !== 'bot_legacy_ids');
      await copyRows(c, `bench_copy.${TABLE[d]}`, cols, list);
    }
    await c.query('commit');
    return seconds(t0);
  } finally {
    await c.end();
  }
}

/**
 * A clone of the freshly migrated database (run before the import), made as the superuser
 * (`postgres` may not copy a database it does not own); its URL for `url`'s user.
 */
async function cloneDatabase(url: string, adminUrl: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl.replace(/\/postgres$/, '/template1') });
  await c.connect();
  try {
    await c.query(`create database ${name} template postgres`);
  } finally {
    await c.end();
  }
  return url.replace(/\/postgres$/, `/${name}`);
}

/**
 * Like for like: the same rows into the real tables of the clone (triggers, foreign keys), with
 * bot references resolved to the copied bots' ids, as one committed transaction.
 */
async function copyRealTables(url: string, rows: Map<Domain, Row[]>): Promise<number> {
  const now = new Date().toISOString();
  const botIds = new Map(rows.get('bots')!.map((b) => [String(b.legacy_id), randomUUID()]));
  const prepared = new Map<Domain, Row[]>();
  const licenseBots: Row[] = [];
  for (const d of DOMAINS) {
    const list = withTimes(rows.get(d)!, now).map((r) => {
      if (d === 'bots') return { ...r, id: botIds.get(String(r.legacy_id)) };
      if (d === 'licenses') {
        const id = randomUUID();
        const keys = (r.bot_legacy_ids as string[]) ?? [];
        for (const k of new Set(keys))
          if (botIds.has(k)) licenseBots.push({ license_id: id, bot_id: botIds.get(k) });
        return { ...r, id, legacy_orphan_bot_ids: keys.filter((k) => !botIds.has(k)) };
      }
      if ('legacy_bot_id' in r) {
        const bot = r.legacy_bot_id == null ? undefined : botIds.get(String(r.legacy_bot_id));
        return { ...r, bot_id: bot ?? null };
      }
      return r;
    });
    prepared.set(d, list);
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const t0 = performance.now();
    await c.query('begin');
    // The import's own bulk mode (one finance event per statement): same trigger work as it.
    await c.query("set local bot_mox.bulk = 'on'");
    for (const d of DOMAINS) {
      const list = prepared.get(d)!;
      const cols = Object.keys(list[0] ?? {}).filter((k) => k !== 'bot_legacy_ids');
      await copyRows(c, `public.${TABLE[d]}`, cols, list);
      if (d === 'licenses')
        await copyRows(c, 'public.license_bots', ['license_id', 'bot_id'], licenseBots);
    }
    await c.query('commit');
    return seconds(t0);
  } finally {
    await c.end();
  }
}

const POLL_MS = 1000;
const CUTOVER_TARGET_SECONDS = 60;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** POST loops (`writers` of them) over the replicas in turn until stopped; answers by status. */
function writeLoad(urls: string[], token: string, writers = 2) {
  const statuses: Record<string, number> = {};
  let firstRefused: number | undefined;
  let lastRefused: number | undefined;
  let running = true;
  let n = 0;
  const loop = async () => {
    while (running) {
      const i = n++;
      const res = await fetch(`${urls[i % urls.length]}/api/v1/workspace/notes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `bench load ${i}` }),
      }).catch(() => undefined);
      await res?.arrayBuffer();
      const status = String(res?.status ?? 'no answer');
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (res?.status === 503) {
        firstRefused ??= performance.now();
        lastRefused = performance.now();
      }
      await sleep(20);
    }
  };
  const loops = Array.from({ length: writers }, () => loop());
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return {
        statuses,
        /** From the first 503 the load saw to the last: the freeze as a client sees it. */
        refused_window_seconds:
          firstRefused === undefined ? 0 : Math.round(lastRefused! - firstRefused) / 1000,
      };
    },
  };
}

/** Two replicas on the stand-in, a write load, then the cutover: how long writes were frozen. */
async function measureCutover(databaseUrl: string, rtdb: StartedRtdb) {
  const env = {
    DATABASE_URL: databaseUrl,
    SUPABASE_JWT_SECRET: 'bench-secret-'.padEnd(48, 'x'),
    DATA_BACKEND: 'rtdb',
    RTDB_URL: rtdb.url,
    FIREBASE_DATABASE_EMULATOR_HOST: rtdb.emulatorHost,
    RUNTIME_POLL_MS: String(POLL_MS),
    PORT: '0',
    HOST: '127.0.0.1',
    SHUTDOWN_DELAY_MS: '0',
    LOG_LEVEL: 'error', // every refused write logs a warning
  };
  // firebase-admin reads the emulator's address from the environment itself.
  process.env.FIREBASE_DATABASE_EMULATOR_HOST = rtdb.emulatorHost;
  const config = parseConfig(env);
  const replicas: RunningServer[] = [];
  try {
    for (let i = 0; i < 2; i++)
      replicas.push(await startServer(config, { logger: createLogger(config.logLevel) }));
    const token = await mintJwt(env.SUPABASE_JWT_SECRET, {
      role: 'authenticated',
      aud: 'authenticated',
      sub: 'bench',
    });
    const load = writeLoad(
      replicas.map((r) => r.url),
      token,
    );
    await sleep(1000);
    const t0 = performance.now();
    const result: CutoverResult | undefined = await cutoverCommand([], {
      databaseUrl,
      rtdb: env,
      pollMs: POLL_MS,
    });
    const commandSeconds = seconds(t0);
    await sleep(1000);
    const writes = await load.stop();
    if (!result?.switched) throw new Error('the cutover did not switch (parity failed)');
    return { result, commandSeconds, writes };
  } finally {
    await Promise.all(replicas.map((r) => r.shutdown('bench end')));
  }
}

async function main(): Promise<void> {
  const bytes = (await stat(file)).size;
  log(`export ${file} (${bytes} bytes); starting Postgres and the RTDB stand-in with it`);
  const { db, rtdb } = await startPostgresAndRtdb(JSON.parse(await readFile(file, 'utf8')));
  const database = createDatabase(db.url, { max: 2 });
  try {
    // Cloned before anything connects to the database (a template must have no sessions).
    const cloneUrl = await cloneDatabase(db.url, db.adminUrl, 'bench_copy');
    let t0 = performance.now();
    const rows = await parseAndMap();
    const parseSeconds = seconds(t0);
    const mapped = [...rows.values()].reduce((n, l) => n + l.length, 0);

    const source = `file:${path.basename(file)}`;
    t0 = performance.now();
    const first = await migrateRtdb({
      db: database.db,
      records: (d) => readExport(file, d),
      source,
      batchSize,
      timings: true,
    });
    const importSeconds = seconds(t0);
    log(`import: ${first.total.read} records in ${importSeconds} s`);
    for (const line of formatTimings(first.timings!)) log(`import timings: ${line}`);

    t0 = performance.now();
    const again = await migrateRtdb({
      db: database.db,
      records: (d) => readExport(file, d),
      source,
      batchSize,
      timings: true,
    });
    const rerunSeconds = seconds(t0);
    log(`re-run: ${again.total.changed} changed in ${rerunSeconds} s`);
    for (const line of formatTimings(again.timings!)) log(`re-run timings: ${line}`);
    if (again.total.changed !== 0)
      throw new Error('the re-run changed rows; the import is not idempotent');

    const copyRealSeconds = await copyRealTables(cloneUrl, rows);
    const copyBareSeconds = await copyBareTables(db.url, rows);
    log(
      `COPY of the same ${mapped} rows: ${copyRealSeconds} s into the real tables, ` +
        `${copyBareSeconds} s into bare copies`,
    );

    log('cutover under a write load (two replicas on the stand-in)');
    const cutover = await measureCutover(db.url, rtdb);
    log(`cutover: writes frozen ${cutover.result.freeze_seconds} s`);

    const result = {
      at: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        parallelism: availableParallelism(),
        loadavg_1m: loadavg()[0],
      },
      export: { file: path.basename(file), bytes, records: first.total.read, imported: mapped },
      batch_size: batchSize,
      import: {
        seconds: importSeconds,
        records_per_s: rate(first.total.read, importSeconds),
        inserted: first.total.inserted,
        rejected: first.total.rejected,
        timings: first.timings,
      },
      rerun: {
        seconds: rerunSeconds,
        records_per_s: rate(again.total.read, rerunSeconds),
        changed: again.total.changed,
        timings: again.timings,
      },
      parse_and_map_only: {
        seconds: parseSeconds,
        records_per_s: rate(first.total.read, parseSeconds),
      },
      copy_real_tables: {
        seconds: copyRealSeconds,
        records_per_s: rate(mapped, copyRealSeconds),
        note: 'same normalised rows into the real public.* tables (triggers, FKs, RLS on; bot_mox.bulk on as in the import) of a clone of the migrated database, bot references resolved, license_bots written, committed',
      },
      copy_bare_tables: {
        seconds: copyBareSeconds,
        records_per_s: rate(mapped, copyBareSeconds),
        note: 'the earlier baseline: same normalised rows, tables like public.* including all (no triggers, no FKs, references unresolved)',
      },
      // Import speed as a fraction of COPY's for the same rows (COPY seconds / import seconds).
      import_speed_vs_copy: {
        real_tables: ratio(copyRealSeconds, importSeconds),
        bare_tables: ratio(copyBareSeconds, importSeconds),
        target: 0.5,
      },
      cutover: {
        freeze_seconds: cutover.result.freeze_seconds,
        target_seconds: CUTOVER_TARGET_SECONDS,
        within_target: cutover.result.freeze_seconds < CUTOVER_TARGET_SECONDS,
        command_seconds: cutover.commandSeconds,
        final_sync_changed: cutover.result.sync.changed,
        parity_compared: cutover.result.parity.compared,
        writes_by_status: cutover.writes.statuses,
        refused_window_seconds: cutover.writes.refused_window_seconds,
        how: `in-process: 2 API replicas (DATA_BACKEND=rtdb, RUNTIME_POLL_MS ${POLL_MS}) on the firebase-server stand-in loaded with the export, cli cutover with its default settle, 2 POST loops over the replicas`,
      },
    };
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    log(
      `import ${result.import.records_per_s} records/s, re-run ${rerunSeconds} s; speed vs COPY ` +
        `${result.import_speed_vs_copy.real_tables}x (real tables), ` +
        `${result.import_speed_vs_copy.bare_tables}x (bare tables); cutover freeze ` +
        `${cutover.result.freeze_seconds} s; wrote ${path.relative(repoRoot, out)}`,
    );
  } finally {
    await database.close();
    await Promise.all([db.stop(), rtdb.stop()]);
  }
}

main().catch((err: unknown) => {
  console.error(`bench:migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
