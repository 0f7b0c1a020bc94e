// `cli migrate:rtdb --from-rtdb` (issue 15): the live legacy database, read through the official
// firebase-admin client from the firebase-server stand-in loaded with the shared export. The
// same records imported from the file afterwards change nothing, so both sources yield the same
// rows; edits made in RTDB reach Postgres on the next run; bad settings fail with one line.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRtdb, type RtdbConnection } from '@bot-mox/backend/legacy-rtdb';
import { repoRoot } from '../harness/manifest.ts';
import type { StartedPostgres } from '../harness/postgres.ts';
import { startPostgresAndRtdb, type StartedRtdb } from '../harness/rtdb.ts';
import { runMigrateRtdb } from './migrate-rtdb-cli.ts';

const FIXTURE = path.resolve(repoRoot, '../shared/fixtures/rtdb-export.json');

interface Counts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  rejected: number;
}
interface Result {
  source: string;
  domains: Record<string, Counts>;
  total: Counts & { changed: number };
}

let db: StartedPostgres;
let rtdb: StartedRtdb;
let admin: RtdbConnection;

function migrate(args: string[], env: NodeJS.ProcessEnv = {}) {
  return runMigrateRtdb<Result>(args, {
    DATABASE_URL: db.url,
    RTDB_URL: rtdb.url,
    FIREBASE_DATABASE_EMULATOR_HOST: rtdb.emulatorHost,
    ...env,
  });
}

async function ok(...args: string[]): Promise<Result> {
  const r = await migrate(args);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return r.result;
}

type Json = Record<string, Record<string, unknown>>;
const fixture = JSON.parse(existsSync(FIXTURE) ? readFileSync(FIXTURE, 'utf8') : '{}') as Record<
  string,
  unknown
>;
const bots = (fixture.bots ?? {}) as Json;
const notes = ((fixture.workspace as Record<string, unknown> | undefined)?.notes ?? {}) as Json;

beforeAll(async () => {
  if (!existsSync(FIXTURE))
    throw new Error(
      `the legacy export fixture is missing: ${FIXTURE} (shared/ beside the checkout)`,
    );
  ({ db, rtdb } = await startPostgresAndRtdb(fixture));
  process.env.FIREBASE_DATABASE_EMULATOR_HOST = rtdb.emulatorHost;
  admin = connectRtdb({ RTDB_URL: rtdb.url, FIREBASE_DATABASE_EMULATOR_HOST: rtdb.emulatorHost });
}, 300_000);

afterAll(async () => {
  await admin?.close();
  await Promise.all([db?.stop(), rtdb?.stop()]);
});

describe('cli migrate:rtdb --from-rtdb', { timeout: 240_000 }, () => {
  it('refuses bad RTDB settings with one line naming the variable, never a secret', async () => {
    const noUrl = await migrate(['--from-rtdb'], { RTDB_URL: '' });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr.trim()).toBe(
      'migrate:rtdb: RTDB_URL is not set (https://<ns>.firebaseio.com)',
    );
    // Not a key, only a marker that must never reach the output.
    const secret = '{"private_key": "SECRET-MATERIAL';
    const badKey = await migrate(['--from-rtdb'], {
      FIREBASE_DATABASE_EMULATOR_HOST: '',
      RTDB_SERVICE_ACCOUNT_JSON: secret,
    });
    expect(badKey.code).toBe(2);
    expect(badKey.stderr.trim()).toBe('migrate:rtdb: RTDB_SERVICE_ACCOUNT_JSON: not valid JSON');
    expect(badKey.stdout + badKey.stderr).not.toContain('SECRET-MATERIAL');
    const noCredentials = await migrate(['--from-rtdb'], { FIREBASE_DATABASE_EMULATOR_HOST: '' });
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toMatch(/^migrate:rtdb: no RTDB credentials/);
  });

  it('imports the live database page by page; the export file then changes nothing', async () => {
    // Pages of 450: the larger domains cross page boundaries, none aligned to them. (The stand-in
    // sends a whole node for every page query, so small pages cost O(n²) here, not in RTDB.)
    const live = await ok('--from-rtdb', '--page-size', '450');
    expect(live.source).toBe(`rtdb:${new URL(rtdb.url).host}`);
    expect(live.domains.bots).toMatchObject({ read: Object.keys(bots).length });
    expect(live.domains.notes).toMatchObject({ read: Object.keys(notes).length });
    expect(live.total.read).toBeGreaterThan(16_000);
    expect(live.total.inserted).toBeGreaterThan(0);
    const file = await ok('--from-file', FIXTURE);
    // Same records, same rows: both readers and the rules agree to the byte.
    expect(file.total).toMatchObject({ read: live.total.read, changed: 0 });
    expect(file.total.unchanged).toBe(live.total.inserted);
  });

  it('carries edits, deletions and additions made in RTDB since the last run', async () => {
    // The deleted bot is one nothing refers to: deleting a referenced bot changes its referrers
    // too (they keep the key as a dangling reference), which the file test covers.
    const others = JSON.stringify({ ...fixture, bots: undefined });
    const [renamed, deleted] = Object.keys(bots).filter((k) => !others.includes(k));
    const noteKey = Object.keys(notes)[0]!;
    await admin.database.ref().update({
      [`bots/${renamed}/name`]: 'renamed in RTDB',
      [`workspace/notes/${noteKey}`]: null,
      'workspace/notes/-ZZliveNote000000001': {
        title: 'added live',
        content: 'x',
        pinned: false,
        createdAt: 1_700_000_000_000,
        updatedAt: 1_700_000_000_000,
      },
    });
    await admin.database.ref(`bots/${deleted}`).remove();
    const r = await ok('--from-rtdb');
    const changed = Object.fromEntries(
      Object.entries(r.domains)
        .map(([d, s]) => [d, { inserted: s.inserted, updated: s.updated, deleted: s.deleted }])
        .filter(([, s]) => Object.values(s as Record<string, number>).some((n) => n !== 0)),
    );
    expect(changed).toEqual({
      bots: { inserted: 0, updated: 1, deleted: 1 },
      notes: { inserted: 1, updated: 0, deleted: 1 },
    });
    const again = await ok('--from-rtdb', '--page-size', '5000');
    expect(again.total.changed).toBe(0);
  });
});
