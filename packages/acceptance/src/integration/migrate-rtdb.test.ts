// `cli migrate:rtdb` (issue 15) against real Postgres with supabase/migrations applied: the shared
// legacy export in, counts and rejects checked against expectations computed here from the raw
// JSON (not from the import's own rules), then idempotency, a modified export, --dry-run, bad
// input, and the public API reading the imported rows.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { endpoints } from '@bot-mox/contracts';
import type { RunningServer } from '@bot-mox/backend';
import { repoRoot } from '../harness/manifest.ts';
import { startPostgres, type StartedPostgres } from '../harness/postgres.ts';
import { runMigrateRtdb, runNode, type CliRun } from './migrate-rtdb-cli.ts';
import { client, mintToken, startApi, type Client } from './support.ts';

const FIXTURE = path.resolve(repoRoot, '../shared/fixtures/rtdb-export.json');

type Json = Record<string, unknown>;
type Records = Record<string, Json>;

// ---- expectations from the raw export -----------------------------------------------------------
// Which JSON values each typed field may hold; everything else is an unparseable value the
// import must report. `required`: the column is NOT NULL without a default, so the record is
// not imported. Text fields are not listed: any string is text.
type Kind = 'money' | 'time' | 'int' | 'bool' | 'day' | 'list' | 'set' | 'object';
const readable: Record<Kind, (v: unknown) => boolean> = {
  money: (v) =>
    (typeof v === 'number' && v > 0) ||
    (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) && Number(v) > 0),
  time: (v) =>
    (typeof v === 'number' && Number.isInteger(v) && v > 0) ||
    (typeof v === 'string' && /^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:\d\d))?$/.test(v)),
  int: (v) => Number.isInteger(typeof v === 'string' ? Number(v) : v),
  bool: (v) => typeof v === 'boolean' || v === 'true' || v === 'false',
  day: (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\d$/.test(v),
  list: (v) =>
    Array.isArray(v) ||
    (typeof v === 'object' && v !== null && Object.keys(v).every((k) => /^\d+$/.test(k))),
  set: (v) => typeof v === 'object' && v !== null,
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
};

interface DomainCase {
  table: string;
  path: string[];
  fields: Record<string, { kind: Kind; required?: boolean }>;
  /** The single bot reference, if any. */
  botRef?: string;
}
const DOMAINS: Record<string, DomainCase> = {
  bots: {
    table: 'bots',
    path: ['bots'],
    fields: {
      createdAt: { kind: 'time', required: true },
      updatedAt: { kind: 'time', required: true },
      lastSeen: { kind: 'time' },
      tags: { kind: 'list', required: true },
      character: { kind: 'object' },
    },
  },
  licenses: {
    table: 'licenses',
    path: ['resources', 'licenses'],
    fields: { expiresAt: { kind: 'time' }, botIds: { kind: 'set', required: true } },
  },
  proxies: {
    table: 'proxies',
    path: ['resources', 'proxies'],
    fields: { port: { kind: 'int', required: true }, expiresAt: { kind: 'time' } },
    botRef: 'botId',
  },
  subscriptions: {
    table: 'subscriptions',
    path: ['resources', 'subscriptions'],
    fields: { price: { kind: 'money', required: true }, renewsAt: { kind: 'time' } },
    botRef: 'botId',
  },
  notes: {
    table: 'notes',
    path: ['workspace', 'notes'],
    fields: {
      pinned: { kind: 'bool', required: true },
      createdAt: { kind: 'time', required: true },
      updatedAt: { kind: 'time', required: true },
    },
  },
  tasks: {
    table: 'tasks',
    path: ['workspace', 'tasks'],
    fields: { createdAt: { kind: 'time', required: true }, dueAt: { kind: 'time' } },
    botRef: 'botId',
  },
  calendar_events: {
    table: 'calendar_events',
    path: ['workspace', 'calendar'],
    fields: { date: { kind: 'day', required: true } },
  },
  finance_operations: {
    table: 'finance_operations',
    path: ['finance', 'operations'],
    fields: { amount: { kind: 'money', required: true }, date: { kind: 'time', required: true } },
    botRef: 'botId',
  },
};

const recordsOf = (data: Json, p: string[]): Records =>
  (p.reduce<unknown>((node, k) => (node as Json | undefined)?.[k], data) ?? {}) as Records;

interface Expected {
  read: number;
  imported: number;
  rejects: Map<string, unknown>; // `${path}|${field}` -> raw value
  dangling: number;
}

function expectations(data: Json): Record<string, Expected> {
  const bots = new Set(Object.keys(recordsOf(data, ['bots'])));
  const out: Record<string, Expected> = {};
  for (const [domain, c] of Object.entries(DOMAINS)) {
    const records = recordsOf(data, c.path);
    const e: Expected = { read: 0, imported: 0, rejects: new Map(), dangling: 0 };
    for (const [key, record] of Object.entries(records)) {
      e.read++;
      let skipped = false;
      for (const [field, f] of Object.entries(c.fields)) {
        const v = record[field];
        if (v === undefined || v === null || readable[f.kind](v)) continue;
        e.rejects.set(`${c.path.join('/')}/${key}|${field}`, v);
        if (f.required) skipped = true;
      }
      if (skipped) continue;
      e.imported++;
      const ref = c.botRef ? record[c.botRef] : undefined;
      if (typeof ref === 'string' && !bots.has(ref)) e.dangling++;
      if (domain === 'licenses')
        e.dangling += Object.keys(record.botIds as Json).filter((k) => !bots.has(k)).length;
    }
    out[domain] = e;
  }
  return out;
}

// ---- running the CLI ----------------------------------------------------------------------------
interface DomainSummary {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  rejected: number;
  dangling: number;
}
interface Result {
  dry_run: boolean;
  domains: Record<string, DomainSummary>;
  total: DomainSummary & { changed: number; rejects: number };
}
type Run = CliRun<Result>;

let db: StartedPostgres;
let conn: pg.Client;
let dir: string;

const WRAPPER = path.join(repoRoot, 'scripts/migrate-rtdb-to-supabase.js');

/** `cli migrate:rtdb ...args`, or the same through scripts/migrate-rtdb-to-supabase.js. */
function migrateCli(...args: string[]): Promise<Run> {
  return runMigrateRtdb<Result>(args, { DATABASE_URL: db.url });
}
function migrateWrapper(...args: string[]): Promise<Run> {
  return runNode<Result>([WRAPPER, ...args], { DATABASE_URL: db.url });
}

async function ok(...args: string[]): Promise<Result> {
  const r = await migrateCli(...args);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return r.result;
}

const TABLES = [...Object.values(DOMAINS).map((d) => d.table), 'settings', 'license_bots'];
/** A digest of every row of every table the import writes. */
async function fingerprint(): Promise<string> {
  const parts = [
    ...TABLES.map((t) => `public.${t}`),
    'legacy.migration_rejects',
    'legacy.migration_runs',
  ];
  const { rows } = await conn.query<{ d: string }>(
    `select ${parts
      .map(
        (t) => `(select md5(coalesce(string_agg(x::text, '|' order by x::text), '')) from ${t} x)`,
      )
      .join(" || ',' || ")} as d`,
  );
  return rows[0]!.d;
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await conn.query<{ n: string }>(sql, params);
  return Number(rows[0]!.n);
}

/** Groups where finance_monthly_totals disagrees with the operations it is derived from. */
const rollupMismatches = () =>
  count(`select count(*) as n from (
      select currency, date_trunc('month', occurred_at at time zone 'UTC')::date as month, category, type,
             sum(amount) as s, count(*) as c from public.finance_operations group by 1, 2, 3, 4) a
    full join public.finance_monthly_totals t using (currency, month, category, type)
    where (a.s is distinct from t.amount_sum or a.c is distinct from t.operations)
      and coalesce(t.operations, 0) + coalesce(a.c, 0) > 0`);

const fixture = () => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json;

beforeAll(async () => {
  if (!existsSync(FIXTURE))
    throw new Error(
      `the legacy export fixture is missing: ${FIXTURE} (shared/ beside the checkout)`,
    );
  db = await startPostgres();
  conn = new pg.Client({ connectionString: db.url });
  await conn.connect();
  dir = await mkdtemp(path.join(tmpdir(), 'migrate-rtdb-'));
}, 300_000);

afterAll(async () => {
  await conn?.end();
  await db?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Each CLI run imports 16k records; on a loaded 2-core machine that can take tens of seconds.
describe('cli migrate:rtdb --from-file', { timeout: 180_000 }, () => {
  const data = fixture();
  const expected = expectations(data);

  it('refuses bad input with one line and a non-zero exit, writing nothing', async () => {
    const before = await fingerprint();
    const missing = await migrateCli('--from-file', path.join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^migrate:rtdb: cannot read .*nope\.json$/);

    const flag = await migrateCli('--from-file', FIXTURE, '--colour');
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim()).toBe('migrate:rtdb: unknown flag --colour');
    const wrapped = await migrateWrapper('--from-file', FIXTURE, '--colour');
    expect(wrapped.code).toBe(2);
    expect(wrapped.stderr.trim()).toBe('migrate:rtdb: unknown flag --colour');

    // Invalid JSON late in the file: the bots pass has already written when the parser fails.
    const truncated = path.join(dir, 'truncated.json');
    const text = readFileSync(FIXTURE, 'utf8');
    await writeFile(truncated, text.slice(0, text.length - 200));
    const bad = await migrateCli('--from-file', truncated);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/not a valid export .*nothing was written/);
    expect(await fingerprint()).toBe(before);
  });

  it('imports the export: counts per domain, exact rejects, dangling references kept', async () => {
    const result = await ok('--from-file', FIXTURE, '--batch-size', '700');
    for (const [domain, e] of Object.entries(expected)) {
      const s = result.domains[domain]!;
      expect({ domain, ...s }).toMatchObject({
        domain,
        read: e.read,
        inserted: e.imported,
        updated: 0,
        unchanged: 0,
        deleted: 0,
        rejected: e.read - e.imported,
        dangling: e.dangling,
      });
      const table = DOMAINS[domain]!.table;
      expect(
        await count(`select count(*) as n from public.${table} where legacy_id is not null`),
      ).toBe(e.imported);
    }
    expect(result.domains.settings).toMatchObject({ read: 3, inserted: 3 });
    // There are unparseable values in the export, and every one of them is a reject row.
    const wanted = new Map(Object.values(expected).flatMap((e) => [...e.rejects]));
    expect(wanted.size).toBeGreaterThan(0);
    const { rows } = await conn.query<{
      path: string;
      field: string;
      raw_value: unknown;
      reason: string;
    }>('select path, field, raw_value, reason from legacy.migration_rejects');
    expect(new Map(rows.map((r) => [`${r.path}|${r.field}`, r.raw_value]))).toEqual(wanted);
    expect(rows.every((r) => r.reason.length > 0)).toBe(true);
    expect(result.total.rejects).toBe(wanted.size);
  });

  it('keeps its bookkeeping (schema legacy) away from the API roles', async () => {
    for (const role of ['anon', 'authenticated']) {
      await conn.query('begin');
      await conn.query(`set local role ${role}`);
      await expect(conn.query('select 1 from legacy.migration_rejects')).rejects.toThrow(
        /permission denied/,
      );
      await conn.query('rollback');
    }
    await conn.query('begin');
    await conn.query('set local role service_role');
    const { rows } = await conn.query('select count(*)::int as n from legacy.migration_runs');
    await conn.query('rollback');
    expect(rows[0].n).toBe(1);
  });

  it('resolves references by the schema’s dangling-reference rule', async () => {
    for (const [domain, c] of Object.entries(DOMAINS)) {
      if (!c.botRef) continue;
      const t = c.table;
      // Every resolved bot_id is the bot with that legacy key; unresolved keep the key, bot_id NULL.
      expect(
        await count(
          `select count(*) as n from public.${t} x join public.bots b on b.id = x.bot_id
            where b.legacy_id is distinct from x.legacy_bot_id`,
        ),
      ).toBe(0);
      expect(
        await count(
          `select count(*) as n from public.${t}
            where legacy_bot_id is not null and bot_id is null`,
        ),
        domain,
      ).toBe(expected[domain]!.dangling);
    }
    const licenses = recordsOf(data, ['resources', 'licenses']);
    const bots = new Set(Object.keys(recordsOf(data, ['bots'])));
    const links = Object.values(licenses).reduce(
      (n, l) => n + Object.keys(l.botIds as Json).filter((k) => bots.has(k)).length,
      0,
    );
    expect(await count('select count(*) as n from public.license_bots')).toBe(links);
  });

  it('keeps values exact: text byte for byte, float noise at the column scale, quirks normalised', async () => {
    const notes = recordsOf(data, ['workspace', 'notes']);
    for (const [key, note] of Object.entries(notes)) {
      const { rows } = await conn.query('select content from public.notes where legacy_id = $1', [
        key,
      ]);
      expect(rows[0]?.content, key).toBe(note.content);
    }
    const bots = recordsOf(data, ['bots']);
    const { rows: botRows } = await conn.query<{ legacy_id: string; name: string; status: string }>(
      'select legacy_id, name, status from public.bots where legacy_id is not null',
    );
    for (const b of botRows) {
      expect(b.name).toBe(bots[b.legacy_id]!.name);
      expect(b.status).toBe(String(bots[b.legacy_id]!.status).toLowerCase());
    }
    const ops = recordsOf(data, ['finance', 'operations']);
    const noisy = Object.entries(ops).filter(
      ([, o]) => typeof o.amount === 'number' && /\.\d{3,}/.test(String(o.amount)),
    );
    expect(noisy.length).toBeGreaterThan(0);
    for (const [key, o] of noisy) {
      const { rows } = await conn.query(
        'select amount from public.finance_operations where legacy_id = $1',
        [key],
      );
      expect(rows[0].amount).toBe((o.amount as number).toFixed(2));
    }
    // The statement-level rollup stayed exact through the bulk upsert.
    expect(await rollupMismatches()).toBe(0);
  });

  it('a second run changes nothing and keeps the rejects’ first sighting', async () => {
    const { rows: before } = await conn.query(
      'select path, field, first_seen_at from legacy.migration_rejects order by 1, 2',
    );
    const result = await ok('--from-file', FIXTURE);
    expect(result.total.changed).toBe(0);
    const imported = Object.values(expected).reduce((n, e) => n + e.imported, 0) + 3;
    expect(result.total.unchanged).toBe(imported);
    const { rows: after } = await conn.query(
      'select path, field, first_seen_at from legacy.migration_rejects order by 1, 2',
    );
    expect(after).toEqual(before);
  });

  describe('after the export changed', () => {
    let api: RunningServer;
    let c: Client;
    let modified: string;
    const bots = recordsOf(data, ['bots']);
    const ops = recordsOf(data, ['finance', 'operations']);
    const botKeys = Object.keys(bots);
    const opKeys = Object.keys(ops).filter(
      (k) => typeof ops[k]!.amount !== 'string' || ops[k]!.amount !== 'n/a',
    );
    const fixedKey = Object.keys(ops).find((k) => ops[k]!.amount === 'n/a')!;
    // A bot that some operations reference: deleting it leaves them dangling, not deleted.
    const deletedBot = botKeys.find((k) => Object.values(ops).some((o) => o.botId === k))!;
    const renamedBot = botKeys.find((k) => k !== deletedBot)!;
    const restatusBot = botKeys.find(
      (k) => k !== deletedBot && bots[k]!.status !== 'banned' && k !== renamedBot,
    )!;
    const [editedOp, ...deletedOps] = opKeys
      .filter((k) => ops[k]!.botId !== deletedBot)
      .slice(0, 4);
    let ownBot: { id: string };
    let ownOp: { id: string };

    beforeAll(async () => {
      api = await startApi(db.url);
      c = client(api.url, await mintToken());
      // Rows the import did not create: never touched, never deleted.
      ownBot = await c.api.call(endpoints.createBots, {
        body: { name: 'own', project: 'wow_tbc' },
      });
      ownOp = await c.api.call(endpoints.createOperations, {
        body: {
          type: 'expense',
          category: 'vps',
          amount: '5.00',
          currency: 'EUR',
          occurred_at: '2026-01-01T00:00:00.000Z',
        },
      });
      // A license created here whose key a new RTDB license also uses: that record is refused.
      await c.api.call(endpoints.createLicenses, { body: { key: 'OWN-KEY-1', type: 'trial' } });
      const next = fixture();
      const nb = recordsOf(next, ['bots']);
      const no = recordsOf(next, ['finance', 'operations']);
      const nn = recordsOf(next, ['workspace', 'notes']);
      nb[renamedBot]!.name = 'переименован "bot"\t2';
      nb[restatusBot]!.status = 'Banned';
      delete nb[deletedBot];
      no[editedOp!]!.amount = '999.99';
      for (const k of deletedOps) delete no[k];
      no[fixedKey]!.amount = '10.00';
      nn['-ZZnewNote0000000001'] = {
        title: 'new',
        content: 'a\nb',
        pinned: 'false',
        createdAt: 1,
        updatedAt: 2,
      };
      nn['-ZZnewNote0000000002'] = {
        title: 'new 2',
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: 1767225600,
      };
      recordsOf(next, ['resources', 'licenses'])['-ZZnewLicense0000001'] = {
        key: 'OWN-KEY-1',
        type: 'multi',
        botIds: { [renamedBot]: true },
      };
      modified = path.join(dir, 'modified.json');
      await writeFile(modified, JSON.stringify(next));
    });

    afterAll(async () => {
      await api?.shutdown('test end');
    });

    it('--dry-run (through the wrapper script) reports the changes, leaves the database as it was', async () => {
      const before = await fingerprint();
      const wrapped = await migrateWrapper('--from-file', modified, '--dry-run');
      expect(wrapped.code, wrapped.stderr).toBe(0);
      expect(wrapped.stdout).toMatch(
        /^migrate:rtdb: dry run \(rolled back\), would have: .* 10 changed/m,
      );
      const result = wrapped.result;
      expect(result.dry_run).toBe(true);
      expect(result.total.changed).toBe(10);
      expect(await fingerprint()).toBe(before);
    });

    it('updates, deletes and inserts exactly the records that changed', async () => {
      const dangling = await count(
        'select count(*) as n from public.finance_operations where legacy_bot_id is not null and bot_id is null',
      );
      const result = await ok('--from-file', modified);
      const changed = Object.fromEntries(
        Object.entries(result.domains)
          .map(([d, s]) => [d, { inserted: s.inserted, updated: s.updated, deleted: s.deleted }])
          .filter(([, s]) => Object.values(s as Json).some((n) => n !== 0)),
      );
      expect(changed).toEqual({
        bots: { inserted: 0, updated: 2, deleted: 1 },
        finance_operations: { inserted: 1, updated: 1, deleted: 3 },
        notes: { inserted: 2, updated: 0, deleted: 0 },
      });
      expect(result.total.changed).toBe(10);
      expect(result.domains.licenses!.rejected).toBe(
        expected.licenses!.read - expected.licenses!.imported + 1,
      );
      const { rows: conflict } = await conn.query(
        "select field, kind, outcome, raw_value from legacy.migration_rejects where path = 'resources/licenses/-ZZnewLicense0000001'",
      );
      expect(conflict).toEqual([
        { field: 'key', kind: 'conflict', outcome: 'record_skipped', raw_value: 'OWN-KEY-1' },
      ]);
      const { rows } = await conn.query('select name from public.bots where legacy_id = $1', [
        renamedBot,
      ]);
      expect(rows[0].name).toBe('переименован "bot"\t2');
      expect(
        await count(
          'select count(*) as n from public.finance_operations where legacy_id = any($1)',
          [deletedOps],
        ),
      ).toBe(0);
      expect(
        await count(
          'select count(*) as n from public.finance_operations where legacy_id = $1 and amount = 10',
          [fixedKey],
        ),
      ).toBe(1);
      expect(
        await count('select count(*) as n from legacy.migration_rejects where path = $1', [
          `finance/operations/${fixedKey}`,
        ]),
      ).toBe(0);
      // The deleted bot's operations stay, now dangling.
      const orphaned = Object.values(ops).filter((o) => o.botId === deletedBot).length;
      expect(result.domains.finance_operations!.dangling).toBe(dangling + orphaned);
      // Rows created through the API are still there.
      expect(await count('select count(*) as n from public.bots where id = $1', [ownBot.id])).toBe(
        1,
      );
      expect(
        await count('select count(*) as n from public.finance_operations where id = $1', [
          ownOp.id,
        ]),
      ).toBe(1);
      expect(await rollupMismatches()).toBe(0);
      expect((await ok('--from-file', modified)).total.changed).toBe(0);
    });

    it('the public API reads every imported row (responses validated against the contracts)', async () => {
      // Through the typed client: every page is also checked against the contract here.
      const lists = [
        ['bots', endpoints.listBots],
        ['licenses', endpoints.listLicenses],
        ['proxies', endpoints.listProxies],
        ['subscriptions', endpoints.listSubscriptions],
        ['notes', endpoints.listNotes],
        ['tasks', endpoints.listTasks],
        ['calendar_events', endpoints.listCalendarEvents],
        ['finance_operations', endpoints.listOperations],
      ] as const;
      for (const [table, list] of lists) {
        let cursor: string | null = null;
        let n = 0;
        do {
          const page: { items: unknown[]; next_cursor: string | null } = await c.api.call(list, {
            query: { limit: 200, cursor: cursor ?? undefined },
          });
          n += page.items.length;
          cursor = page.next_cursor;
        } while (cursor);
        expect(n, list.path).toBe(await count(`select count(*) as n from public.${table}`));
      }
      const settings = await c.api.call(endpoints.listSettings);
      expect(settings.items.map((s) => s.section).sort()).toEqual(['alerts', 'farm', 'general']);
      await c.api.call(endpoints.financeSummary);
    });
  });
});
