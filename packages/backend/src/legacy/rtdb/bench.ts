// pnpm bench:migrate: migrate:rtdb on the shared legacy export into a fresh Postgres from the
// image manifest (the acceptance harness), against a raw COPY of the same normalised rows in the
// same run, then the re-run (nothing to change). Writes bench-results/migrate.json.
//
// The COPY baseline is a floor, not a rival: it writes the rows the import's rules produced into
// copies of the tables (`like ... including all`: indexes and checks, no triggers, no foreign
// keys, references left unresolved), with no comparison, no change counting and no rejects.
//
// Env: BENCH_BATCH_SIZE (500), BENCH_OUT (bench-results/migrate.json), RTDB_EXPORT (the fixture).
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
// The harness lives in the acceptance package (which depends on this one); import it by path.
import { startPostgres } from '../../../../acceptance/src/harness/postgres.ts';
import { createDatabase } from '../../platform/db/database.ts';
import { readExport } from './export-reader.ts';
import { migrateRtdb } from './migrate.ts';
import { DOMAINS, mapRecord, type Domain, type Row } from './records.ts';

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

async function copyBaseline(url: string, rows: Map<Domain, Row[]>): Promise<number> {
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
      const list = rows.get(d)!;
      if (!list.length) continue;
      const cols = Object.keys(list[0]!).filter((k) => k !== 'bot_legacy_ids');
      const text = list
        .map((r) =>
          cols
            .map((k) => csvField(k === 'created_at' || k === 'updated_at' ? (r[k] ?? now) : r[k]))
            .join(','),
        )
        .join('\n');
      const copy = c.query(
        copyFrom(`copy bench_copy.${TABLE[d]} (${cols.join(', ')}) from stdin with (format csv)`),
      );
      await pipeline(Readable.from([text]), copy);
    }
    await c.query('commit');
    return seconds(t0);
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  const bytes = (await stat(file)).size;
  log(`export ${file} (${bytes} bytes); starting Postgres`);
  const db = await startPostgres();
  const database = createDatabase(db.url, { max: 2 });
  try {
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
    });
    const importSeconds = seconds(t0);
    log(`import: ${first.total.read} records in ${importSeconds} s`);

    t0 = performance.now();
    const again = await migrateRtdb({
      db: database.db,
      records: (d) => readExport(file, d),
      source,
      batchSize,
    });
    const rerunSeconds = seconds(t0);
    log(`re-run: ${again.total.changed} changed in ${rerunSeconds} s`);
    if (again.total.changed !== 0)
      throw new Error('the re-run changed rows; the import is not idempotent');

    const copySeconds = await copyBaseline(db.url, rows);
    log(`COPY of the same ${mapped} rows: ${copySeconds} s`);

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
      },
      rerun: {
        seconds: rerunSeconds,
        records_per_s: rate(again.total.read, rerunSeconds),
        changed: again.total.changed,
      },
      parse_and_map_only: {
        seconds: parseSeconds,
        records_per_s: rate(first.total.read, parseSeconds),
      },
      raw_copy: {
        seconds: copySeconds,
        records_per_s: rate(mapped, copySeconds),
        note: 'same normalised rows, tables like public.* including all (no triggers, no FKs, references unresolved)',
      },
      import_vs_copy: Math.round((importSeconds / copySeconds) * 10) / 10,
    };
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    log(
      `import ${result.import.records_per_s} records/s, re-run ${rerunSeconds} s, raw COPY ` +
        `${result.raw_copy.records_per_s} rows/s (${result.import_vs_copy}x); wrote ${path.relative(repoRoot, out)}`,
    );
  } finally {
    await database.close();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
