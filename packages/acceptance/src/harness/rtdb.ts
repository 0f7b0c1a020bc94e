// The legacy Realtime Database for tests: the firebase-server stand-in (RTDB_SERVER_IMAGE,
// deploy/airgap/rtdb) with a data tree loaded at start. Clients reach it through firebase-admin
// with FIREBASE_DATABASE_EMULATOR_HOST; it needs no credentials and keeps nothing on disk.
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { requireImage } from './manifest.ts';

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
