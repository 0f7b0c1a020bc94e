// migrate:rtdb: the RTDB export into Postgres, idempotently. Per domain, batches of rows are
// upserted by their RTDB key (legacy_id), one statement per batch: an UPDATE of the rows that
// differ and an INSERT of the new ones, so that unchanged rows are counted as unchanged and not
// written at all. Imported
// rows whose key is gone from the export are deleted; rows without legacy_id are never touched.
//
// The whole run is ONE transaction: a failure anywhere (invalid JSON at the end of the file, a
// constraint) leaves the database as it was, the report always describes one committed state,
// and bot deletions (which null references) never commit without the referencing rows' import.
// Before cutover nothing else writes these tables (the API runs on RTDB), so a long
// transaction blocks no one; batches only bound statement and memory size. A dry run is the
// same run rolled back: its counts are exact.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { ExportItem } from './export-reader.ts';
import { DOMAIN_PATHS, DOMAINS, mapRecord, type Domain, type Reject, type Row } from './records.ts';
import { Timings, type TimingsReport } from './timings.ts';

export interface Counts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** Records not imported (a required value missing or unreadable, a duplicate, a conflict). */
  rejected: number;
  /** Imported records with a value set NULL or a field dropped (each is a reject row too). */
  field_rejects: number;
  /** Imported references to bots that do not exist (bot_id NULL, key kept; see the schema). */
  dangling: number;
}
export interface DomainSummary extends Counts {
  seconds: number;
}

export interface MigrateResult {
  dry_run: boolean;
  source: string;
  /** legacy.migration_runs id (not kept by a dry run). */
  run_id: string;
  domains: Record<Domain, DomainSummary>;
  total: Counts & { changed: number; rejects: number };
  seconds: number;
  /** Where the time went, phase by phase (only when asked: `timings`). */
  timings?: TimingsReport;
}

/** Where the records come from: an export file (readExport) or the live RTDB (readLive). */
export type RecordSource = (domains: ReadonlySet<Domain>) => AsyncIterable<ExportItem>;

export interface MigrateOptions {
  db: Kysely<Database>;
  records: RecordSource;
  /** Recorded with the run and its rejects, e.g. file:rtdb-export.json. */
  source: string;
  dryRun?: boolean;
  batchSize?: number;
  log?: (line: string) => void;
  /** Record the per-phase timings in the result (timings.ts). */
  timings?: boolean;
}

// ---- the tables ---------------------------------------------------------------------------------
interface Target {
  /** Value for a new row, over the recordset `s`. */
  insert: string;
  /** Value for an existing row `t` (default: insert). */
  update?: string;
  /** What an existing row is compared with (default: update). */
  compare?: string;
}
interface TableSpec {
  table: string;
  /** The column a record is matched on. */
  match: 'legacy_id' | 'section';
  /** The recordset columns the mapped rows carry (records.ts), with their SQL types. */
  source: Record<string, string>;
  target: Record<string, Target>;
  /** A natural unique key besides legacy_id, for the conflict reject. */
  unique?: string;
  /** Counts this domain's dangling references among imported rows. */
  dangling?: string;
}

const col = (name: string): Target => ({ insert: `s.${name}` });
const botRef: Target = {
  insert: '(select b.id from public.bots b where b.legacy_id = s.legacy_bot_id)',
};
// created_at / updated_at come from the legacy record when it has them; otherwise a new row
// gets now(), an existing row keeps its created_at and gets updated_at now() when it changes.
const times: Record<string, Target> = {
  created_at: {
    insert: 'coalesce(s.created_at, now())',
    update: 'coalesce(s.created_at, t.created_at)',
  },
  updated_at: {
    insert: 'coalesce(s.updated_at, now())',
    update: 'coalesce(s.updated_at, now())',
    compare: 'coalesce(s.updated_at, t.updated_at)',
  },
};
const timeSource = { created_at: 'timestamptz(3)', updated_at: 'timestamptz(3)' };
const danglingBot = (table: string) =>
  `select count(*) as n from public.${table} where legacy_id is not null and legacy_bot_id is not null and bot_id is null`;

function spec(
  table: string,
  source: Record<string, string>,
  extra: Partial<TableSpec> & { target?: Record<string, Target> } = {},
): TableSpec {
  const target: Record<string, Target> = { legacy_id: col('legacy_id') };
  for (const name of Object.keys(source)) {
    if (name === 'legacy_bot_id') target.bot_id = botRef;
    if (!(name in timeSource)) target[name] = col(name);
  }
  return {
    table,
    match: 'legacy_id',
    ...extra,
    source: { legacy_id: 'text', ...source, ...timeSource },
    target: { ...target, ...extra.target, ...times },
  };
}

const TABLES: Record<Exclude<Domain, 'settings'>, TableSpec> = {
  bots: spec('bots', {
    name: 'text',
    status: 'text',
    project: 'text',
    vm_name: 'text',
    character: 'jsonb',
    tags: 'text[]',
    last_seen_at: 'timestamptz(3)',
  }),
  licenses: (() => {
    const s = spec(
      'licenses',
      { key: 'text', type: 'text', status: 'text', expires_at: 'timestamptz(3)' },
      {
        unique: 'key',
        target: {
          // botIds naming no bot (the dangling-reference rule); the others become license_bots.
          legacy_orphan_bot_ids: {
            insert: `array(select u.k from unnest(s.bot_legacy_ids) with ordinality u(k, n)
                      where not exists (select 1 from public.bots b where b.legacy_id = u.k) order by u.n)`,
          },
        },
        dangling:
          'select coalesce(sum(cardinality(legacy_orphan_bot_ids)), 0) as n from public.licenses where legacy_id is not null',
      },
    );
    s.source.bot_legacy_ids = 'text[]';
    return s;
  })(),
  proxies: spec(
    'proxies',
    {
      ip: 'inet',
      port: 'integer',
      login: 'text',
      password: 'text',
      provider: 'text',
      country: 'text',
      status: 'text',
      expires_at: 'timestamptz(3)',
      legacy_bot_id: 'text',
    },
    { unique: 'ip', dangling: danglingBot('proxies') },
  ),
  subscriptions: spec(
    'subscriptions',
    {
      name: 'text',
      type: 'text',
      price: 'numeric(18,2)',
      currency: 'char(3)',
      renews_at: 'timestamptz(3)',
      legacy_bot_id: 'text',
    },
    { dangling: danglingBot('subscriptions') },
  ),
  notes: spec('notes', { title: 'text', content: 'text', pinned: 'boolean' }),
  tasks: spec(
    'tasks',
    { title: 'text', status: 'text', due_at: 'timestamptz(3)', legacy_bot_id: 'text' },
    { dangling: danglingBot('tasks') },
  ),
  calendar_events: spec('calendar_events', { title: 'text', date: 'date', note: 'text' }),
  finance_operations: spec(
    'finance_operations',
    {
      type: 'text',
      category: 'text',
      amount: 'numeric(18,2)',
      currency: 'char(3)',
      occurred_at: 'timestamptz(3)',
      legacy_bot_id: 'text',
      comment: 'text',
    },
    { dangling: danglingBot('finance_operations') },
  ),
};

const SETTINGS: TableSpec = {
  table: 'settings',
  match: 'section',
  source: { section: 'text', legacy_id: 'text', data: 'jsonb' },
  target: {
    section: col('section'),
    legacy_id: col('legacy_id'),
    data: col('data'),
    updated_at: { insert: 'now()', update: 'now()', compare: 't.updated_at' },
  },
};

const tableOf = (domain: Domain): TableSpec => (domain === 'settings' ? SETTINGS : TABLES[domain]);

// ---- statements ---------------------------------------------------------------------------------
type Conn = Kysely<Database>;

function recordset(spec: TableSpec, rows: Row[]): RawBuilder<unknown> {
  const defs = Object.entries(spec.source)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as s(${sql.raw(defs)})`;
}

interface BatchOutcome {
  updated: Set<string>;
  inserted: Set<string>;
  /** Keys that were there before the statement (updated or unchanged). */
  present: Set<string>;
}

/**
 * One batch in one statement (one round trip): rows that differ get the legacy values, rows not
 * there yet are inserted (a row another unique key refuses is skipped; the caller reports it),
 * and the keys that were there are listed (every CTE sees the table as it was before the
 * statement). `mayExist` false (a first import: the table held no imported row) leaves out the
 * update and the listing, which could match nothing.
 */
async function upsertBatch(
  conn: Conn,
  spec: TableSpec,
  rows: Row[],
  mayExist: boolean,
): Promise<BatchOutcome> {
  const m = spec.match;
  const cols = Object.entries(spec.target);
  const insert = `insert into public.${spec.table} as t (${cols.map(([n]) => n).join(', ')})
    select ${cols.map(([, t]) => t.insert).join(', ')} from s
     where not exists (select 1 from public.${spec.table} x where x.${m} = s.${m})
    on conflict do nothing
    returning t.${m} as key`;
  let query: string;
  if (mayExist) {
    const changed = cols.filter(([name]) => name !== m);
    const sets = changed.map(([name, t]) => `${name} = ${t.update ?? t.insert}`).join(', ');
    const current = changed.map(([name]) => `t.${name}`).join(', ');
    const wanted = changed.map(([, t]) => t.compare ?? t.update ?? t.insert).join(', ');
    query = `, u as (update public.${spec.table} as t set ${sets} from s
                  where t.${m} = s.${m} and (${current}) is distinct from (${wanted})
              returning t.${m} as key),
             i as (${insert}),
             p as (select x.${m} as key from public.${spec.table} x join s on x.${m} = s.${m})
        select 'u' as kind, key from u union all select 'i', key from i
        union all select 'p', key from p`;
  } else {
    query = `, i as (${insert}) select 'i' as kind, key from i`;
  }
  const { rows: out } = await sql<{ kind: 'u' | 'i' | 'p'; key: string }>`
    with s as materialized (select * from ${recordset(spec, rows)})${sql.raw(query)}`.execute(conn);
  const result: BatchOutcome = { updated: new Set(), inserted: new Set(), present: new Set() };
  const byKind = { u: result.updated, i: result.inserted, p: result.present };
  for (const r of out) byKind[r.kind].add(r.key);
  return result;
}

/** Whether the table holds rows a run could match (settings match on section: any row). */
async function anyImported(conn: Conn, spec: TableSpec): Promise<boolean> {
  const { rows } = await sql<{ any: boolean }>`
    select exists (select 1 from public.${sql.raw(spec.table)}
                    where ${sql.raw(spec.match === 'legacy_id' ? 'legacy_id is not null' : 'true')}) as any`.execute(
    conn,
  );
  return rows[0]!.any;
}

/** license_bots of these licenses become exactly their resolvable botIds; returns changed keys. */
async function syncLicenseBots(conn: Conn, rows: Row[]): Promise<Set<string>> {
  const links = rows.map((r) => ({ legacy_id: r.legacy_id, bot_legacy_ids: r.bot_legacy_ids }));
  const { rows: out } = await sql<{ key: string }>`
    with s as (
      select l.id as license_id, l.legacy_id, b.id as bot_id
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as r(legacy_id text, bot_legacy_ids text[])
        join public.licenses l on l.legacy_id = r.legacy_id
        cross join unnest(r.bot_legacy_ids) as k
        join public.bots b on b.legacy_id = k),
    gone as (
      delete from public.license_bots lb using public.licenses l
       where l.id = lb.license_id and l.legacy_id = any(${links.map((l) => l.legacy_id)}::text[])
         and not exists (select 1 from s where s.license_id = lb.license_id and s.bot_id = lb.bot_id)
      returning l.legacy_id),
    added as (
      insert into public.license_bots (license_id, bot_id)
      select distinct license_id, bot_id from s
      on conflict do nothing
      returning license_id)
    select legacy_id as key from gone
    union select l.legacy_id from added join public.licenses l on l.id = added.license_id`.execute(
    conn,
  );
  return new Set(out.map((r) => r.key));
}

// ---- the run ------------------------------------------------------------------------------------
const emptyCounts = (): Counts => ({
  read: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  rejected: 0,
  field_rejects: 0,
  dangling: 0,
});
const emptySummary = (): DomainSummary => ({ ...emptyCounts(), seconds: 0 });

export function formatSummary(s: Counts): string {
  return (
    `read ${s.read}, inserted ${s.inserted}, updated ${s.updated}, unchanged ${s.unchanged}, ` +
    `deleted ${s.deleted}, rejected ${s.rejected}, field rejects ${s.field_rejects}, dangling ${s.dangling}`
  );
}

export async function migrateRtdb(options: MigrateOptions): Promise<MigrateResult> {
  const { records, source, dryRun = false, batchSize = 500 } = options;
  const log = options.log ?? (() => {});
  const started = performance.now();
  const timings = new Timings();
  return options.db.connection().execute(async (conn) => {
    timings.add('run.connect', performance.now() - started);
    await timings.sql('run.setup', () => sql`begin`.execute(conn));
    try {
      const result = await run(conn);
      await timings.sql('run.commit', () => sql.raw(dryRun ? 'rollback' : 'commit').execute(conn));
      timings.transactions++;
      if (options.timings) result.timings = timings.report();
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw err;
    }
  });

  /** The transaction's settings and lock, and the run's record; returns its id. */
  async function setup(conn: Conn): Promise<string> {
    // The import sets updated_at itself (see touch_updated_at); one import at a time; a batch
    // statement may take longer than the API's 15 s budget on a busy server.
    await sql`set local bot_mox.import = 'on'`.execute(conn);
    await sql`set local statement_timeout = '10min'`.execute(conn);
    // One finance.operation_created per batch instead of one per row (see *_bulk_write_notify.sql).
    await sql`set local bot_mox.bulk = 'on'`.execute(conn);
    // Every batch statement matches at most batch-size rows to a table by its unique key. With
    // hash or merge joins the planner reads the whole table for each batch (its statistics
    // cannot know the rows this transaction added), which made the import quadratic in the
    // table's size; index probes keep each batch's cost proportional to the batch.
    // (`analyze <table>` after a table's first batch, joins left on, was tried: on a loaded
    // machine the figures did not show it faster, and statistics do not pin the plan shape.)
    await sql`set local enable_hashjoin = off`.execute(conn);
    await sql`set local enable_mergejoin = off`.execute(conn);
    await sql`select pg_advisory_xact_lock(hashtext('bot_mox.migrate_rtdb'))`.execute(conn);
    const { rows: runRows } = await sql<{ id: string }>`
      insert into legacy.migration_runs (source, started_at, summary)
      values (${source}, now(), '{}') returning id`.execute(conn);
    return runRows[0]!.id;
  }

  async function run(conn: Conn): Promise<MigrateResult> {
    const runId = await timings.sql('run.setup', () => setup(conn));
    const summaries = Object.fromEntries(DOMAINS.map((d) => [d, emptySummary()])) as Record<
      Domain,
      DomainSummary
    >;
    const rejects = new Map<string, Reject>();
    const seen = new Map<Domain, Set<string>>();
    const batches = new Map<Domain, Row[]>();
    const domainStarted = new Map<Domain, number>();
    const done = new Set<Domain>();

    const reject = (domain: Domain, r: Reject): void => {
      rejects.set(`${r.path}\u0000${r.field}`, r);
      if (r.outcome !== 'record_skipped') summaries[domain].field_rejects++;
    };

    // One batch's statements run while the stream reads and normalises the next one (Node and
    // Postgres work at the same time); at most one batch is in flight, so memory stays bounded.
    // (Parsing in a worker_threads Worker, 4 batches ahead, was tried and measured slower on the
    // 2-core bench host: import 2.3-2.7 s against 1.9-2.1 s here. The worker's cold start (module
    // load, JIT) is paid in the run, and Postgres, not this thread, is what each batch waits on.)
    // Measured with --timings (bench host, load 2): Postgres is busy ~90 % of a first import, 70 %
    // of it in the 24 finance batches (~26 ms of server time per 500 rows by EXPLAIN ANALYZE: ~17
    // ms the heap and index inserts, ~4.5 ms the recordset, anti-join and bot lookups, ~3 ms the
    // rollup trigger, ~1 ms the FK checks). A second connection cannot take domains off this one:
    // they reference this transaction's uncommitted bots, and the run must stay one transaction.
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async (domain: Domain): Promise<void> => {
      const rows = batches.get(domain) ?? [];
      batches.set(domain, []);
      await timings.time(`${domain}.wait_sql`, () => inFlight);
      if (!rows.length) return;
      inFlight = write(domain, rows);
      // Its failure is reported by the next await of inFlight, not as an unhandled rejection.
      inFlight.catch(() => {});
    };
    // Whether a domain's table held imported rows when its first batch came. When it held none
    // (a first import), no batch can match an existing row by legacy_id: this run's own rows
    // have keys no later record repeats (duplicates are rejected), so the UPDATE is skipped.
    const hadImported = new Map<Domain, Promise<boolean>>();
    const write = async (domain: Domain, rows: Row[]): Promise<void> => {
      const spec = tableOf(domain);
      const s = summaries[domain];
      const t = (what: string) => `${domain}.sql.${what}`;
      if (!hadImported.has(domain))
        hadImported.set(
          domain,
          timings.sql(t('any_imported'), () => anyImported(conn, spec)),
        );
      const mayExist = await hadImported.get(domain)!;
      const { updated, inserted, present } = await timings.sql(t('upsert'), () =>
        upsertBatch(conn, spec, rows, mayExist),
      );
      for (const row of rows) {
        const key = String(row[spec.match]);
        if (updated.has(key) || inserted.has(key) || present.has(key)) continue;
        // Neither there nor inserted: another unique key (not legacy_id) holds the value.
        const field = spec.unique ?? '';
        s.rejected++;
        reject(domain, {
          path: `${DOMAIN_PATHS[domain]}/${key}`,
          field,
          kind: 'conflict',
          outcome: 'record_skipped',
          raw: spec.unique ? row[spec.unique] : undefined,
          reason: `a row not imported from RTDB already has this ${spec.unique ?? 'key'}; record not imported`,
        });
      }
      if (domain === 'licenses') {
        const there = (r: Row) => {
          const k = String(r.legacy_id);
          return updated.has(k) || inserted.has(k) || present.has(k);
        };
        const linked = await timings.sql(t('license_links'), () =>
          syncLicenseBots(conn, rows.filter(there)),
        );
        for (const k of linked) if (!inserted.has(k)) updated.add(k);
      }
      s.inserted += inserted.size;
      s.updated += updated.size;
      s.unchanged += [...present].filter((k) => !updated.has(k)).length;
    };

    const finish = async (domain: Domain): Promise<void> => {
      if (done.has(domain)) return;
      done.add(domain);
      await flush(domain);
      await timings.time(`${domain}.finish.wait_sql`, () => inFlight);
      const spec = tableOf(domain);
      const s = summaries[domain];
      // A table that held no imported row when the domain's first batch came holds only this
      // run's rows now, all of them seen: nothing of it can have vanished.
      if (!hadImported.has(domain) || (await hadImported.get(domain))) {
        const keys = [...(seen.get(domain) ?? [])];
        const { rows: gone } = await timings.sql(`${domain}.finish.delete`, () =>
          sql<{ n: string }>`
          with d as (
            delete from public.${sql.raw(spec.table)}
             where legacy_id is not null
               and legacy_id not in (select unnest(${keys}::text[])) -- a hashed anti-join
            returning 1)
          select count(*) as n from d`.execute(conn),
        );
        s.deleted = Number(gone[0]!.n);
      }
      if (spec.dangling) {
        const { rows } = await timings.sql(`${domain}.finish.dangling`, () =>
          sql<{ n: string }>`${sql.raw(spec.dangling!)}`.execute(conn),
        );
        s.dangling = Number(rows[0]!.n);
      }
      s.seconds = round(
        (performance.now() - (domainStarted.get(domain) ?? performance.now())) / 1000,
      );
      log(`${domain}: ${formatSummary(s)} (${s.seconds} s)`);
    };

    const handle = async (item: ExportItem): Promise<void> => {
      if (item.type === 'end') return finish(item.domain);
      const t0 = performance.now();
      const { domain, key } = item;
      if (!domainStarted.has(domain)) domainStarted.set(domain, performance.now());
      const s = summaries[domain];
      s.read++;
      const keys = seen.get(domain) ?? seen.set(domain, new Set()).get(domain)!;
      if (keys.has(key)) {
        s.rejected++;
        reject(domain, {
          path: `${DOMAIN_PATHS[domain]}/${key}`,
          field: '',
          kind: 'duplicate_key',
          outcome: 'record_skipped',
          raw: item.value,
          reason: 'the key occurs twice in the export; the second record is not imported',
        });
        return;
      }
      keys.add(key);
      const mapped = mapRecord(domain, key, item.value);
      for (const r of mapped.rejects) reject(domain, r);
      if (!mapped.row) {
        s.rejected++;
        return;
      }
      const batch = batches.get(domain) ?? batches.set(domain, []).get(domain)!;
      batch.push(mapped.row);
      timings.add(`${domain}.map`, performance.now() - t0);
      if (batch.length >= batchSize) await flush(domain);
    };
    /** The source's records, with the time spent waiting for each. */
    async function* timed(items: AsyncIterable<ExportItem>): AsyncGenerator<ExportItem> {
      const it = items[Symbol.asyncIterator]();
      try {
        for (;;) {
          const t0 = performance.now();
          const next = await it.next();
          if (next.done) return;
          timings.add(`${next.value.domain}.read`, performance.now() - t0);
          yield next.value;
        }
      } finally {
        await it.return?.(); // closes the file when the run stops early
      }
    }

    // Bots first, so that every reference resolves against this run's bots. One pass over the
    // source when the bots come first (the live reader's order, and the export's when its keys
    // are sorted); a domain met before the bots' end is passed over and read in a second pass.
    const later = new Set<Domain>();
    for await (const item of timed(records(new Set(DOMAINS)))) {
      if (item.domain !== 'bots' && !done.has('bots')) later.add(item.domain);
      if (!later.has(item.domain)) await handle(item);
    }
    await finish('bots');
    if (later.size) for await (const item of timed(records(later))) await handle(item);
    // Domains absent from the export are empty (RTDB drops empty nodes): their imported rows go.
    for (const d of DOMAINS) await finish(d);

    await timings.sql('run.rejects', () =>
      writeRejects(conn, runId, source, [...rejects.values()]),
    );

    const totals = emptyCounts();
    for (const s of Object.values(summaries)) {
      for (const k of Object.keys(totals) as (keyof Counts)[]) totals[k] += s[k];
    }
    const result: MigrateResult = {
      dry_run: dryRun,
      source,
      run_id: runId,
      domains: summaries,
      total: {
        ...totals,
        changed: totals.inserted + totals.updated + totals.deleted,
        rejects: rejects.size,
      },
      seconds: round((performance.now() - started) / 1000),
    };
    await timings.sql('run.summary', () =>
      sql`update legacy.migration_runs set summary = ${JSON.stringify(result)}::jsonb,
                finished_at = clock_timestamp() where id = ${runId}`.execute(conn),
    );
    return result;
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;

/** This run's rejects replace the previous run's; a value seen before keeps its first_seen_at. */
async function writeRejects(conn: Conn, runId: string, source: string, rejects: Reject[]) {
  for (let i = 0; i < rejects.length; i += 1000) {
    const chunk = rejects.slice(i, i + 1000).map((r) => ({
      path: r.path,
      field: r.field,
      kind: r.kind,
      outcome: r.outcome,
      raw_value: r.raw === undefined ? null : r.raw,
      reason: r.reason,
    }));
    await sql`
      insert into legacy.migration_rejects as t
             (path, field, kind, outcome, raw_value, reason, source, run_id)
      select s.path, s.field, s.kind, s.outcome, s.raw_value, s.reason, ${source}, ${runId}::uuid
        from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb)
             as s(path text, field text, kind text, outcome text, raw_value jsonb, reason text)
      on conflict (path, field) do update
         set kind = excluded.kind, outcome = excluded.outcome, raw_value = excluded.raw_value,
             reason = excluded.reason, source = excluded.source, run_id = excluded.run_id,
             last_seen_at = now()`.execute(conn);
  }
  await sql`delete from legacy.migration_rejects where run_id <> ${runId}::uuid`.execute(conn);
}
