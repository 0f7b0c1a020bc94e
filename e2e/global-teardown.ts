// After the run: stop prod-sim if this run started it (data volumes stay), unless
// E2E_KEEP_STACK=1. A stack that was already running before the run is left as it was.
import { existsSync } from 'node:fs';
import { RUN_STATE, readJson, type RunState } from './support/env';
import { stackDown } from './support/stack';

export default async function globalTeardown(): Promise<void> {
  if (!existsSync(RUN_STATE)) return;
  const state = readJson<RunState>(RUN_STATE);
  console.log(`[e2e] sign-in path this run: ${state.signIn}; images ${state.imageTag}`);
  if (!state.startedStack) {
    console.log('[e2e] prod-sim was running before this run: left running');
  } else if (process.env.E2E_KEEP_STACK === '1') {
    console.log('[e2e] E2E_KEEP_STACK=1: prod-sim left running');
  } else {
    console.log('[e2e] stopping prod-sim (scripts/stack-prod-sim-down.sh; volumes kept)');
    stackDown();
  }
}
