#!/usr/bin/env node
// The server process: `node dist/main.js` (image) or `pnpm --filter @bot-mox/backend start`.
import { ConfigError, parseConfig } from './config.ts';
import { startServer } from './server.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.problems) console.error(`config: ${line}`);
      process.exit(1);
    }
    throw err;
  }
  const running = await startServer(config);
  const stop = (signal: string) => {
    running
      .shutdown(signal)
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        running.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`fatal: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
