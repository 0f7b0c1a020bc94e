// The legacy Realtime Database for tests: the firebase-server stand-in (RTDB_SERVER_IMAGE,
// deploy/airgap/rtdb) with a data tree loaded at start. Clients reach it through firebase-admin
// with FIREBASE_DATABASE_EMULATOR_HOST; it needs no credentials and keeps nothing on disk.
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, requireImage } from './manifest.ts';
import { startPostgres, type StartedPostgres } from './postgres.ts';

const PORT = 9000;

export interface StartedRtdb {
  container: StartedTestContainer;
  /** FIREBASE_DATABASE_EMULATOR_HOST for clients on this host. */
  emulatorHost: string;
  /** The databaseURL clients pass (any name works against the emulator). */
  url: string;
  stop(): Promise<void>;
}

export const RTDB_URL = 'https://bot-mox-legacy.firebaseio.com';

/** Starts the stand-in with `data` (a JSON tree, e.g. the shared export) as its contents. */
export async function startRtdb(data: unknown): Promise<StartedRtdb> {
  const container = new GenericContainer(await requireImage('RTDB_SERVER_IMAGE'))
    .withCopyContentToContainer([
      { content: JSON.stringify(data ?? {}), target: '/data/rtdb.json', mode: 0o644 },
    ])
    .withExposedPorts(PORT)
    .withWaitStrategy(Wait.forLogMessage(/Listening on port/))
    .withStartupTimeout(120_000);
  const started = await container.start();
  return {
    container: started,
    emulatorHost: `127.0.0.1:${started.getMappedPort(PORT)}`,
    url: RTDB_URL,
    stop: async () => {
      await started.stop();
    },
  };
}

/**
 * Writes straight into the stand-in over its REST API (`<path>.json`), as a process outside the
 * backend would: PUT sets, PATCH updates children (null removes one), DELETE removes. Keys must be
 * valid RTDB keys (no . $ # [ ] /): the stand-in's process dies on an invalid one.
 */
export async function rtdbWrite(
  rtdb: Pick<StartedRtdb, 'emulatorHost'>,
  method: 'PUT' | 'PATCH' | 'DELETE',
  at: string,
  body?: unknown,
): Promise<void> {
  const res = await fetch(`http://${rtdb.emulatorHost}/${at}.json`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`RTDB ${method} /${at}: ${res.status} ${await res.text()}`);
}

/**
 * Postgres (migrations applied) and the stand-in loaded with `data`, started together; when one
 * fails to start, the other is stopped before the error is reported.
 */
export async function startPostgresAndRtdb(
  data: unknown,
): Promise<{ db: StartedPostgres; rtdb: StartedRtdb }> {
  const [pgStart, rtdbStart] = await Promise.allSettled([startPostgres(), startRtdb(data)]);
  if (pgStart.status === 'rejected' || rtdbStart.status === 'rejected') {
    await Promise.all(
      [pgStart, rtdbStart].map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)),
    );
    throw pgStart.status === 'rejected'
      ? pgStart.reason
      : (rtdbStart as PromiseRejectedResult).reason;
  }
  return { db: pgStart.value, rtdb: rtdbStart.value };
}

/** The shared legacy export (../shared/fixtures beside the checkout), as the stand-in's data. */
export const RTDB_FIXTURE = path.resolve(repoRoot, '../shared/fixtures/rtdb-export.json');

export function readRtdbFixture(): unknown {
  if (!existsSync(RTDB_FIXTURE))
    throw new Error(
      `the legacy export fixture is missing: ${RTDB_FIXTURE} (shared/ beside the checkout)`,
    );
  return JSON.parse(readFileSync(RTDB_FIXTURE, 'utf8')) as unknown;
}
