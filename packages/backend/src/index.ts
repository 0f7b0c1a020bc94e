// @bot-mox/backend's programmatic surface: tests and tools start the same server as the image.
export { parseConfig, ConfigError, type Config } from './config.ts';
export { createApp, type AppDeps, type AppState } from './app.ts';
export { startServer, type RunningServer, type StartOptions } from './server.ts';
export { kyselyRepositories, repositoriesFor, type Repositories } from './domains/index.ts';
export {
  createDatabase,
  type Db,
  type Database,
  type DatabaseHandle,
} from './platform/db/database.ts';
export { createLogger } from './platform/logger.ts';
export { createTokenVerifier, type AuthContext } from './platform/auth.ts';
export { EVENTS_CHANNEL } from './platform/events/listener.ts';
export type { ReadinessCheck, CheckResult } from './platform/health.ts';
