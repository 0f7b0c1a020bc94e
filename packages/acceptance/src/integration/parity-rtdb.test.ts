// `cli parity` (issue 15, phase 4): after migrate:rtdb of the shared fixture, the two backends'
// repositories agree on every agreed field; one field changed in Postgres is found as exactly
// that field; one record deleted in RTDB is reported missing there. (parity.test.ts: the sample.)
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectRtdb,
  type ParityReport as Report,
  type RtdbConnection,
} from '@bot-mox/backend/legacy-rtdb';
import type { StartedPostgres } from '../harness/postgres.ts';
import {
  RTDB_FIXTURE,
  readRtdbFixture,
  startPostgresAndRtdb,
  type StartedRtdb,
} from '../harness/rtdb.ts';
import { runMigrateRtdb, runParity } from './migrate-rtdb-cli.ts';

type ResultLine = { ok: boolean; seconds: number } & Report['total'];

let db: StartedPostgres;
let rtdb: StartedRtdb;
let admin: RtdbConnection;
let conn: pg.Client;
let dir: string;

const env = () => ({
  DATABASE_URL: db.url,
  RTDB_URL: rtdb.url,
  FIREBASE_DATABASE_EMULATOR_HOST: rtdb.emulatorHost,
});

/** Runs parity with a report file; returns its exit code, output and the report. */
async function parity(...args: string[]) {
  const file = path.join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const run = await runParity<ResultLine>([...args, '--report', file], env());
  const report = existsSync(file)
    ? (JSON.parse(await readFile(file, 'utf8')) as Report)
    : undefined;
  return { ...run, report };
}

/** The differences of a report, domain by domain, without the empty ones. */
const differences = (r: Report) =>
  Object.fromEntries(
    Object.entries(r.domains)
      .filter(
        ([, d]) => d.missing_in_supabase.length + d.missing_in_rtdb.length + d.mismatches.length,
      )
      .map(([name, d]) => [
        name,
        {
          missing_in_supabase: d.missing_in_supabase,
          missing_in_rtdb: d.missing_in_rtdb,
          mismatches: d.mismatches.map((m) => [m.key, m.field]),
        },
      ]),
  );

beforeAll(async () => {
  ({ db, rtdb } = await startPostgresAndRtdb(readRtdbFixture()));
  process.env.FIREBASE_DATABASE_EMULATOR_HOST = rtdb.emulatorHost;
  admin = connectRtdb({ RTDB_URL: rtdb.url, FIREBASE_DATABASE_EMULATOR_HOST: rtdb.emulatorHost });
  conn = new pg.Client({ connectionString: db.url });
  await conn.connect();
  dir = await mkdtemp(path.join(tmpdir(), 'parity-'));
  const migrated = await runMigrateRtdb(['--from-file', RTDB_FIXTURE], { DATABASE_URL: db.url });
  expect(migrated.code, migrated.stderr + migrated.stdout).toBe(0);
}, 300_000);

afterAll(async () => {
  await conn?.end();
  await admin?.close();
  await Promise.all([db?.stop(), rtdb?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
  delete process.env.FIREBASE_DATABASE_EMULATOR_HOST;
});

describe('cli parity', { timeout: 240_000 }, () => {
  it('finds no difference after migrate:rtdb of the fixture, and says so', async () => {
    const r = await parity();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.result).toMatchObject({
      ok: true,
      missing_in_supabase: 0,
      missing_in_rtdb: 0,
      mismatches: 0,
    });
    const report = r.report!;
    expect(report.mode).toBe('full');
    expect(differences(report)).toEqual({});
    // Every imported row was compared, domain by domain.
    const { rows } = await conn.query<{ t: string; n: string }>(`
      select 'bots' t, count(*) n from bots union all select 'proxies', count(*) from proxies
      union all select 'finance_operations', count(*) from finance_operations`);
    for (const { t, n } of rows)
      expect(report.domains[t as keyof Report['domains']].compared, t).toBe(Number(n));
    expect(report.domains.finance_operations!.compared).toBeGreaterThan(11_000);
    expect(report.domains.settings!.compared).toBe(3);
    expect(report.fields.proxies).toContain('port');
    expect(r.stdout).toMatch(/parity: {3}proxies: supabase \d+, rtdb \d+, compared \d+/);
  });

  it('a sample compares N records per domain; a bad flag is one line and exit 2', async () => {
    const a = await parity('--sample', '25', '--seed', '7');
    expect(a.code, a.stderr + a.stdout).toBe(0);
    expect(a.report!.mode).toBe('sample');
    expect(a.report!.domains.bots!.compared).toBe(25);
    expect(a.report!.domains.settings!.compared).toBe(3);
    const bad = await runParity(['--sample', 'many'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('parity: --sample must be an integer 1..1000000, got many');
  });

  it('finds exactly the one field changed in Postgres', async () => {
    const {
      rows: [proxy],
    } = await conn.query<{ legacy_id: string; port: number }>(
      'select legacy_id, port from proxies where legacy_id is not null order by legacy_id limit 1',
    );
    const port = proxy!.port === 65535 ? 1 : proxy!.port + 1;
    await conn.query('update proxies set port = $1 where legacy_id = $2', [port, proxy!.legacy_id]);
    try {
      const r = await parity();
      expect(r.code).toBe(1);
      expect(r.result).toMatchObject({
        ok: false,
        mismatches: 1,
        missing_in_rtdb: 0,
        missing_in_supabase: 0,
      });
      expect(differences(r.report!)).toEqual({
        proxies: {
          missing_in_supabase: [],
          missing_in_rtdb: [],
          mismatches: [[proxy!.legacy_id, 'port']],
        },
      });
      expect(r.report!.domains.proxies!.mismatches[0]).toMatchObject({
        supabase: port,
        rtdb: proxy!.port,
      });
      expect(r.stdout).toContain(
        `proxies/${proxy!.legacy_id} port: supabase ${port}, rtdb ${proxy!.port}`,
      );
    } finally {
      await conn.query('update proxies set port = $1 where legacy_id = $2', [
        proxy!.port,
        proxy!.legacy_id,
      ]);
    }
  });

  it('reports a record deleted in RTDB as missing there, and nothing else', async () => {
    const {
      rows: [note],
    } = await conn.query<{ legacy_id: string }>(
      'select legacy_id from notes where legacy_id is not null order by legacy_id limit 1',
    );
    await admin.database.ref(`workspace/notes/${note!.legacy_id}`).remove();
    const r = await parity();
    expect(r.code).toBe(1);
    expect(differences(r.report!)).toEqual({
      notes: { missing_in_supabase: [], missing_in_rtdb: [note!.legacy_id], mismatches: [] },
    });
    expect(r.stdout).toContain(`missing in rtdb: notes/${note!.legacy_id}`);
  });
});
