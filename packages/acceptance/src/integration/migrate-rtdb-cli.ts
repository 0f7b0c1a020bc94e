// Runs `cli migrate:rtdb` (or its wrapper script) and `cli parity` as child processes for the
// RTDB tests, and reads their machine-readable `<command>: result {json}` line.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../harness/manifest.ts';
import { cliResult } from '../harness/stack.ts';

export const MIGRATE_CLI = path.join(repoRoot, 'packages/backend/src/cli/index.ts');

export interface CliRun<R> {
  code: number;
  stdout: string;
  stderr: string;
  /** The result line's JSON; undefined when the run printed none (it failed). */
  result: R;
}

/**
 * `node <args...>` from the repository root with `env` over this process's environment; `command`
 * names the result line to read.
 */
export function runNode<R>(
  args: string[],
  env: NodeJS.ProcessEnv,
  command = 'migrate:rtdb',
): Promise<CliRun<R>> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: repoRoot, env: { ...process.env, ...env }, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        resolve({
          code: err ? Number(err.code ?? 1) : 0,
          stdout,
          stderr,
          result: cliResult<R>(stdout, command) as R,
        });
      },
    );
  });
}

/** `cli migrate:rtdb ...args`. */
export const runMigrateRtdb = <R>(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun<R>> =>
  runNode<R>(['--conditions=@bot-mox/source', MIGRATE_CLI, 'migrate:rtdb', ...args], env);

/** `cli parity ...args`. */
export const runParity = <R>(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun<R>> =>
  runNode<R>(['--conditions=@bot-mox/source', MIGRATE_CLI, 'parity', ...args], env, 'parity');
