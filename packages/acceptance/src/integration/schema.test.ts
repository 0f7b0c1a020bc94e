// The schema itself: RLS as Supabase's API roles, grants, NOTIFY triggers, and the migration
// runner's idempotency, dry run and changed-file refusal.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migrate, MigrationError } from '@bot-mox/backend/migrations';
import { dbTypesFile, generateDbTypes } from '../harness/db-types.ts';
import { migrationsDir, startPostgres, type StartedPostgres } from '../harness/postgres.ts';

let db: StartedPostgres;
let conn: pg.Client;

const PUBLIC_TABLES = [
  'artifacts',
  'bots',
  'calendar_events',
  'finance_monthly_totals',
  'finance_operations',
  'license_bots',
  'licenses',
  'notes',
  'proxies',
  'settings',
  'subscriptions',
  'tasks',
];

/** Runs `fn` inside a transaction as `role` with the JWT claims PostgREST would set; rolls back. */
async function as<T>(
  role: 'anon' | 'authenticated' | 'service_role',
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  await conn.query('begin');
  try {
    const claims = JSON.stringify({
      role,
      sub: role === 'authenticated' ? '11111111-1111-4111-8111-111111111111' : undefined,
    });
    await conn.query(
      `select set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.role', $2, true)`,
      [claims, role],
    );
    await conn.query(`set local role ${role}`);
    return await fn(conn);
  } finally {
    await conn.query('rollback');
  }
}

const denied = (p: Promise<unknown>) => expect(p).rejects.toThrow(/permission denied/);

beforeAll(async () => {
  db = await startPostgres();
  conn = new pg.Client({ connectionString: db.url });
  await conn.connect();
  await conn.query(
    `insert into bots (legacy_id, name, project, status) values ('-NKlegacy0001', 'seed', 'wow_tbc', 'running')`,
  );
  await conn.query(
    `insert into settings (section, data) values ('general', '{"currency":"USD","timezone":"UTC","language":"en"}')`,
  );
});

afterAll(async () => {
  await conn?.end();
  await db?.stop();
});

describe('database types', () => {
  it('the checked-in generated.ts is what kysely-codegen reads from the migrated schema', async () => {
    const fromMigrations = await generateDbTypes(db.url, null);
    const checkedIn = await readFile(dbTypesFile, 'utf8');
    expect(checkedIn, 'stale: run `pnpm db:types` and commit the result').toBe(fromMigrations);
  });
});

describe('row level security', () => {
  it('is enabled on every table in public', async () => {
    const { rows } = await conn.query<{ relname: string; relrowsecurity: boolean }>(
      `select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' order by 1`,
    );
    expect(rows.map((r) => r.relname)).toEqual(PUBLIC_TABLES);
    expect(rows.filter((r) => !r.relrowsecurity)).toEqual([]);
  });

  it('anon can neither read nor write anything', async () => {
    for (const t of PUBLIC_TABLES) {
      await as('anon', (c) => denied(c.query(`select * from public.${t} limit 1`)));
    }
    await as('anon', (c) => denied(c.query(`insert into bots (name, project) values ('x', 'p')`)));
    await as('anon', (c) => denied(c.query(`delete from settings`)));
  });

  it('authenticated reads and writes domain data', async () => {
    await as('authenticated', async (c) => {
      expect((await c.query('select name from bots')).rows).toEqual([{ name: 'seed' }]);
      await c.query(`insert into notes (title) values ('from postgrest')`);
      expect(
        (
          await c.query(
            `update bots set status = 'idle' where legacy_id = '-NKlegacy0001' returning status`,
          )
        ).rows,
      ).toEqual([{ status: 'idle' }]);
    });
  });

  it('authenticated reads settings and artifacts but cannot change them', async () => {
    await as('authenticated', async (c) => {
      expect((await c.query('select section from settings')).rows).toEqual([
        { section: 'general' },
      ]);
      await denied(c.query(`update settings set data = '{}'`));
    });
    await as('authenticated', async (c) => {
      await denied(
        c.query(
          `insert into artifacts (platform, version, file_name, object_key) values ('win', '1', 'a.exe', 'artifacts/installers/win/1/a.exe')`,
        ),
      );
    });
  });

  it('authenticated without an authenticated JWT role sees no rows (policies check auth.role())', async () => {
    await conn.query('begin');
    try {
      await conn.query(
        `select set_config('request.jwt.claims', '{"role":"anon"}', true), set_config('request.jwt.claim.role', 'anon', true)`,
      );
      await conn.query('set local role authenticated');
      expect((await conn.query('select * from bots')).rows).toEqual([]);
    } finally {
      await conn.query('rollback');
    }
  });

  it('service_role does everything', async () => {
    await as('service_role', async (c) => {
      await c.query(
        `update settings set data = '{"currency":"EUR","timezone":"UTC","language":"en"}'`,
      );
      await c.query(
        `insert into artifacts (platform, version, file_name, object_key) values ('win', '1', 'a.exe', 'artifacts/installers/win/1/a.exe')`,
      );
      expect((await c.query('select count(*)::int as n from bots')).rows).toEqual([{ n: 1 }]);
    });
  });
});

describe('constraints', () => {
  it('keeps the legacy push id unique, so a migration upserts', async () => {
    await conn.query(
      `insert into bots (legacy_id, name, project) values ('-NKlegacy0001', 'renamed', 'wow_tbc')
       on conflict (legacy_id) do update set name = excluded.name`,
    );
    expect(
      (
        await conn.query(
          `select count(*)::int as n, max(name) as name from bots where legacy_id = '-NKlegacy0001'`,
        )
      ).rows,
    ).toEqual([{ n: 1, name: 'renamed' }]);
  });

  it('rejects bad statuses, money with too many digits and bad currencies', async () => {
    await expect(
      conn.query(`insert into bots (name, project, status) values ('x', 'p', 'Running')`),
    ).rejects.toThrow(/bots_status_check/);
    await expect(
      conn.query(
        `insert into finance_operations (type, category, amount, currency, occurred_at) values ('income', 'x', 0, 'USD', now())`,
      ),
    ).rejects.toThrow(/check/);
    await expect(
      conn.query(
        `insert into finance_operations (type, category, amount, currency, occurred_at) values ('income', 'x', 1, 'usd', now())`,
      ),
    ).rejects.toThrow(/check/);
    await expect(
      conn.query(
        `insert into artifacts (platform, version, file_name, object_key) values ('w', '1', 'a', 'elsewhere/a')`,
      ),
    ).rejects.toThrow(/check/);
  });
});

describe('live-event triggers', () => {
  it('NOTIFY on bot status changes and new operations, only after commit', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    const got: { type: string; status?: string; previous_status?: string; amount?: string }[] = [];
    listener.on('notification', (m) => got.push(JSON.parse(m.payload ?? '{}')));
    await listener.query('listen botmox_events');
    await conn.query('begin');
    await conn.query(`update bots set status = 'error' where legacy_id = '-NKlegacy0001'`);
    await conn.query('rollback');
    await conn.query(`update bots set status = 'banned' where legacy_id = '-NKlegacy0001'`);
    await conn.query(`update bots set vm_name = 'VM-1' where legacy_id = '-NKlegacy0001'`); // not a live change
    await conn.query(
      `insert into finance_operations (type, category, amount, currency, occurred_at) values ('income', 'gold_sale', 12.5, 'EUR', now())`,
    );
    await new Promise((r) => setTimeout(r, 300));
    await listener.end();
    expect(got.map((e) => e.type)).toEqual(['bot.changed', 'finance.operation_created']);
    expect(got[0]).toMatchObject({ status: 'banned' });
    expect(got[1]).toMatchObject({ amount: '12.50' });
  });
});

describe('db:migrate', () => {
  it('a second run applies nothing', async () => {
    const again = await migrate({ databaseUrl: db.url, dir: migrationsDir });
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(
      (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).length,
    );
    const { rows } = await conn.query(
      'select version, name from supabase_migrations.schema_migrations order by version',
    );
    expect(rows.map((r) => `${r.version}_${r.name}.sql`)).toEqual(
      (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql')).sort(),
    );
  });

  it('dry run lists pending files without applying them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mig-'));
    try {
      await cp(migrationsDir, dir, { recursive: true });
      await writeFile(
        path.join(dir, '29990101000000_extra.sql'),
        'create table public.dry_run_probe (id int);',
      );
      const lines: string[] = [];
      const dry = await migrate({
        databaseUrl: db.url,
        dir,
        dryRun: true,
        log: (l) => lines.push(l),
      });
      expect(dry.pending.map((f) => f.file)).toEqual(['29990101000000_extra.sql']);
      expect(lines).toEqual(['would apply 29990101000000_extra.sql']);
      expect(
        (await conn.query(`select to_regclass('public.dry_run_probe') as t`)).rows[0].t,
      ).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses, naming the file, when an applied migration changed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mig-'));
    try {
      await cp(migrationsDir, dir, { recursive: true });
      const file = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()[1]!;
      const sql = await readFile(path.join(dir, file), 'utf8');
      await writeFile(path.join(dir, file), `${sql}\ncreate table public.sneaky (id int);\n`);
      const err = await migrate({ databaseUrl: db.url, dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as Error).message).toContain(file);
      expect((await conn.query(`select to_regclass('public.sneaky') as t`)).rows[0].t).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
