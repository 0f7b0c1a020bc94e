// The legacy RTDB code's surface for tests and tools (package export @bot-mox/backend/legacy-rtdb).
// Everything RTDB lives in this folder, so that removing it after cutover is one deletion.
export { connectRtdb, RtdbConfigError, type RtdbConnection, type RtdbEnv } from './firebase.ts';
export { readLive } from './live-reader.ts';
export { migrateRtdb, type MigrateResult, type RecordSource } from './migrate.ts';
export { watchRtdbEvents } from './events.ts';
export { DOMAIN_PATHS, DOMAINS, type Domain } from './records.ts';
export { rtdbRepositories } from './repositories/index.ts';
export type { DomainParity, Mismatch, ParityReport } from './parity.ts';
export type { CutoverResult } from './cutover.ts';
