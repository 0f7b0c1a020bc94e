import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { FakeWebSocket } from './FakeWebSocket';
import { server } from './server';

// Console errors and warnings in a test are failures: the app must run without console noise.
// They are collected and reported after the test, since React swallows throws from console.*.
const consoleProblems: string[] = [];
const original = { error: console.error, warn: console.warn };
for (const kind of ['error', 'warn'] as const) {
  console[kind] = (...args: unknown[]) => {
    consoleProblems.push(
      `console.${kind}: ${args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ')}`,
    );
    original[kind](...args);
  };
}

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  FakeWebSocket.reset();
  // Absent in the node-environment tests (scripts/startup-chunks.test.ts builds the app).
  globalThis.localStorage?.clear();
  vi.useRealTimers();
  const problems = consoleProblems.splice(0);
  if (problems.length) throw new Error(`The test wrote to the console:\n${problems.join('\n')}`);
});
afterAll(() => server.close());
