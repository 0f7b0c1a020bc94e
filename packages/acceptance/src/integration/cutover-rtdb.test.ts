// `cli cutover` (issue 15, phase 5) with two API replicas serving DATA_BACKEND=rtdb from the
// firebase-server stand-in under a steady write load: a failing parity refuses the switch and
// keeps the freeze until --abort; then a cutover freezes writes (503 + Retry-After), syncs,
// checks parity, switches both replicas to supabase at runtime and lifts the freeze; every
// acknowledged write is in Postgres afterwards, and a restarted replica stays on supabase.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '@bot-mox/contracts';
import type { RunningServer } from '@bot-mox/backend';
import type { CutoverResult } from '@bot-mox/backend/legacy-rtdb';
import type { StartedPostgres } from '../harness/postgres.ts';
import {
  RTDB_FIXTURE,
  readRtdbFixture,
  startPostgresAndRtdb,
  type StartedRtdb,
} from '../harness/rtdb.ts';
import { MIGRATE_CLI, runMigrateRtdb, runNode } from './migrate-rtdb-cli.ts';
import { client, mintToken, startApi, type Client } from './support.ts';

const POLL_MS = '100';

let db: StartedPostgres;
let rtdb: StartedRtdb;
let conn: pg.Client;
const replicas: RunningServer[] = [];
let clients: Client[];

const rtdbEnv = () => ({
  RTDB_URL: rtdb.url,
  FIREBASE_DATABASE_EMULATOR_HOST: rtdb.emulatorHost,
  RUNTIME_POLL_MS: POLL_MS,
});

const cutover = (...args: string[]) =>
  runNode<CutoverResult>(
    ['--conditions=@bot-mox/source', MIGRATE_CLI, 'cutover', ...args],
    { DATABASE_URL: db.url, ...rtdbEnv() },
    'cutover',
  );

const startReplica = () => startApi(db.url, { DATA_BACKEND: 'rtdb', ...rtdbEnv() });

interface Outcome {
  status: number;
  id?: string;
  retryAfter?: string | null;
  problem?: boolean;
}

/**
 * Creates notes on the replicas in turn until stopped; every answer is kept (raw: the status and
 * Retry-After of each answer are what the test reads).
 */
function writeLoad() {
  const outcomes: Outcome[] = [];
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const res = await clients[i % clients.length]!.call('POST', '/workspace/notes', {
        title: `load ${i}`,
      });
      const body = (await res.json()) as { id?: string };
      outcomes.push({
        status: res.status,
        ...(res.status === 201 ? { id: body.id } : {}),
        retryAfter: res.headers.get('retry-after'),
        problem: (res.headers.get('content-type') ?? '').includes('application/problem+json'),
      });
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    outcomes,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

beforeAll(async () => {
  ({ db, rtdb } = await startPostgresAndRtdb(readRtdbFixture()));
  process.env.FIREBASE_DATABASE_EMULATOR_HOST = rtdb.emulatorHost;
  conn = new pg.Client({ connectionString: db.url });
  await conn.connect();
  // The first import, long before the cutover (phase 3).
  const first = await runMigrateRtdb(['--from-file', RTDB_FIXTURE], { DATABASE_URL: db.url });
  expect(first.code, first.stderr + first.stdout).toBe(0);
  replicas.push(await startReplica(), await startReplica());
  const token = await mintToken();
  clients = replicas.map((r) => client(r.url, token));
}, 300_000);

afterAll(async () => {
  for (const r of replicas) await r.shutdown('test end');
  await conn?.end();
  await Promise.all([db?.stop(), rtdb?.stop()]);
  delete process.env.FIREBASE_DATABASE_EMULATOR_HOST;
});

describe('cli cutover', { timeout: 240_000 }, () => {
  it('refuses to switch when parity fails, keeps the freeze, and --abort lifts it', async () => {
    // A note only Postgres has: parity reports it missing in RTDB.
    const {
      rows: [stray],
    } = await conn.query<{ id: string }>(
      `insert into notes (title) values ('only in postgres') returning id`,
    );
    try {
      const r = await cutover('--settle-ms', '300');
      expect(r.code, r.stderr + r.stdout).toBe(1);
      expect(r.result).toMatchObject({ switched: false, parity: { ok: false, differences: 1 } });
      expect(r.stdout).toContain('cli cutover --abort');
      // Still frozen on both replicas, still RTDB.
      for (const c of clients) {
        // Raw: the freeze's status and Retry-After header are under test.
        const res = await c.call('POST', '/workspace/notes', { title: 'frozen?' });
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect((await c.api.call(endpoints.health)).data_backend).toBe('rtdb');
        await c.api.call(endpoints.listNotes, { query: { limit: 1 } });
      }
      const aborted = await cutover('--abort');
      expect(aborted.code, aborted.stderr).toBe(0);
      expect(aborted.stdout).toMatch(/freeze lifted after [\d.]+ s; RTDB keeps serving/);
      await new Promise((r) => setTimeout(r, 3 * Number(POLL_MS)));
      // Resolves only on the contract's 201.
      for (const c of clients)
        await c.api.call(endpoints.createNotes, { body: { title: 'thawed' } });
    } finally {
      await conn.query('delete from notes where id = $1', [stray!.id]);
    }
  });

  it('switches both replicas under a write load: 503 while frozen, no acknowledged write lost', async () => {
    const load = writeLoad();
    await new Promise((r) => setTimeout(r, 500));
    const r = await cutover('--settle-ms', '500');
    await new Promise((r) => setTimeout(r, 500));
    await load.stop();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.result).toMatchObject({ switched: true, parity: { ok: true, differences: 0 } });
    // The duration is reported (its target, 60 s, is the benchmark's to measure).
    expect(r.result.freeze_seconds).toBeGreaterThan(0);
    expect(r.stdout).toContain(`writes were frozen for ${r.result.freeze_seconds} s`);
    console.info(`cutover under load: writes frozen ${r.result.freeze_seconds} s`);

    const { outcomes } = load;
    expect(outcomes.every((o) => o.status === 201 || o.status === 503)).toBe(true);
    const frozen = outcomes.filter((o) => o.status === 503);
    expect(frozen.length).toBeGreaterThan(0);
    expect(frozen.every((o) => o.problem && /^\d+$/.test(o.retryAfter ?? ''))).toBe(true);
    const acked = outcomes.filter((o) => o.status === 201).map((o) => o.id!);
    const inRtdb = acked.filter((id) => /^[-_0-9A-Za-z]{20}$/.test(id));
    const inPostgres = acked.filter((id) => !inRtdb.includes(id));
    expect(inRtdb.length).toBeGreaterThan(0);
    expect(inPostgres.length).toBeGreaterThan(0);
    // Writes acknowledged by RTDB before the freeze came over with the final sync.
    const { rows } = await conn.query<{ id: string; legacy_id: string | null }>(
      'select id::text, legacy_id from notes',
    );
    const legacy = new Set(rows.map((n) => n.legacy_id));
    const ids = new Set(rows.map((n) => n.id));
    expect(inRtdb.filter((id) => !legacy.has(id))).toEqual([]);
    expect(inPostgres.filter((id) => !ids.has(id))).toEqual([]);

    for (const c of clients)
      expect((await c.api.call(endpoints.health)).data_backend).toBe('supabase');
    // A replica started later with DATA_BACKEND=rtdb still serves supabase: the switch persists.
    const restarted = await startReplica();
    replicas.push(restarted);
    const c = client(restarted.url, clients[0]!.token);
    expect((await c.api.call(endpoints.health)).data_backend).toBe('supabase');
    const page = await c.api.call(endpoints.listNotes, { query: { limit: 5 } });
    expect(page.items[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    // Going back after the switch would lose writes: --abort refuses.
    const back = await cutover('--abort');
    expect(back.code).toBe(2);
    expect(back.stderr).toMatch(/^cutover: already cut over to supabase/);
  });
});
