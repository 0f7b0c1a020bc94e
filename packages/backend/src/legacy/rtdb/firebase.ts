// The legacy Realtime Database through the official firebase-admin client: the connection the
// RTDB code (the live reader, later the RTDB repositories) shares. Credentials come from a
// service-account file or JSON in the environment and never reach a log line or an error.
// Against an emulator (FIREBASE_DATABASE_EMULATOR_HOST, e.g. the firebase-server stand-in) the
// SDK needs none.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { cert, deleteApp, initializeApp, type App, type ServiceAccount } from 'firebase-admin/app';
import { getDatabase, type Database } from 'firebase-admin/database';

/** A bad RTDB setting: one line naming the variable, never its secret value. */
export class RtdbConfigError extends Error {}

export interface RtdbEnv {
  /** https://<ns>.firebaseio.com (or <ns>.<region>.firebasedatabase.app). */
  RTDB_URL?: string | undefined;
  /** Path of a service-account key file. */
  RTDB_SERVICE_ACCOUNT_FILE?: string | undefined;
  /** The service-account key itself (JSON), for secret stores that pass values, not files. */
  RTDB_SERVICE_ACCOUNT_JSON?: string | undefined;
  /** host:port of an emulator; the SDK reads it from the process env itself. */
  FIREBASE_DATABASE_EMULATOR_HOST?: string | undefined;
}

export interface RtdbConnection {
  database: Database;
  /** Where it reads from, without credentials, for logs and reports. */
  describe: string;
  close(): Promise<void>;
}

function serviceAccount(env: RtdbEnv): ServiceAccount | undefined {
  const { RTDB_SERVICE_ACCOUNT_FILE: file, RTDB_SERVICE_ACCOUNT_JSON: json } = env;
  if (file && json)
    throw new RtdbConfigError(
      'set one of RTDB_SERVICE_ACCOUNT_FILE and RTDB_SERVICE_ACCOUNT_JSON, not both',
    );
  let text: string;
  let from: string;
  if (file) {
    from = 'RTDB_SERVICE_ACCOUNT_FILE';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new RtdbConfigError(`RTDB_SERVICE_ACCOUNT_FILE: cannot read ${file}`);
    }
  } else if (json) {
    from = 'RTDB_SERVICE_ACCOUNT_JSON';
    text = json;
  } else return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // The message of JSON.parse quotes the text: it must not reach a log.
    throw new RtdbConfigError(`${from}: not valid JSON`);
  }
  for (const key of ['project_id', 'client_email', 'private_key']) {
    if (typeof parsed[key] !== 'string' || parsed[key] === '')
      throw new RtdbConfigError(`${from}: the service account lacks ${key}`);
  }
  return {
    projectId: parsed.project_id as string,
    clientEmail: parsed.client_email as string,
    privateKey: parsed.private_key as string,
  };
}

export function connectRtdb(env: RtdbEnv): RtdbConnection {
  const url = env.RTDB_URL;
  if (!url) throw new RtdbConfigError('RTDB_URL is not set (https://<ns>.firebaseio.com)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RtdbConfigError(`RTDB_URL is not a URL: ${url}`);
  }
  if (parsed.username || parsed.password || parsed.search)
    throw new RtdbConfigError('RTDB_URL must be the bare database URL, without credentials');
  const emulator = env.FIREBASE_DATABASE_EMULATOR_HOST;
  const account = serviceAccount(env);
  if (!account && !emulator)
    throw new RtdbConfigError(
      'no RTDB credentials: set RTDB_SERVICE_ACCOUNT_FILE or RTDB_SERVICE_ACCOUNT_JSON',
    );
  // A named app per connection: several may live in one process (tests, parity's two sides).
  const app: App = initializeApp(
    { databaseURL: url, ...(account ? { credential: cert(account) } : {}) },
    `bot-mox-rtdb-${randomUUID()}`,
  );
  return {
    database: getDatabase(app),
    describe: emulator ? `${url} (emulator ${emulator})` : url,
    close: () => deleteApp(app),
  };
}
