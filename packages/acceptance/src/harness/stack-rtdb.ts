// The compose stack as it ships, serving DATA_BACKEND=rtdb from the firebase-server stand-in
// that compose.rtdb.yml adds to it, loaded with the shared legacy export: the state before a
// cutover (issue 15).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { requireImage } from './manifest.ts';
import { RTDB_FIXTURE, RTDB_URL } from './rtdb.ts';
import { startStack, type StackOptions, type StartedStack } from './stack.ts';

export interface StartedRtdbStack extends StartedStack {
  /** FIREBASE_DATABASE_EMULATOR_HOST for clients on this host (the stand-in's published port). */
  rtdbEmulatorHost: string;
  /** The databaseURL those clients pass. */
  rtdbUrl: string;
}

export async function startStackOnRtdb(
  options: Omit<StackOptions, 'composeFiles'> = {},
): Promise<StartedRtdbStack> {
  await requireImage('RTDB_SERVER_IMAGE');
  if (!existsSync(RTDB_FIXTURE))
    throw new Error(`the legacy export fixture is missing: ${RTDB_FIXTURE}`);
  const stack = await startStack({
    ...options,
    composeFiles: [path.join(import.meta.dirname, 'compose.rtdb.yml')],
    env: (secrets) => ({
      DATA_BACKEND: 'rtdb',
      RTDB_URL,
      RTDB_FIXTURE_FILE: RTDB_FIXTURE,
      ...(typeof options.env === 'function' ? options.env(secrets) : options.env),
    }),
  });
  return {
    ...stack,
    rtdbEmulatorHost: `127.0.0.1:${stack.container('rtdb').getMappedPort(9000)}`,
    rtdbUrl: RTDB_URL,
  };
}
