// `cli parity [--sample N --seed S] [--report <file.json>]`: the two backends compared
// (parity.ts). Prints progress per domain and a readable summary, writes the JSON report when
// asked, and exits 1 when anything differs (2 for bad input, as every command).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createDatabase } from '../../platform/db/database.ts';
import { openRtdb, RtdbInputError } from './command.ts';
import type { RtdbEnv } from './firebase.ts';
import { checkParity, formatParity, type ParityReport } from './parity.ts';

export interface ParityArgs {
  sample: { size: number; seed: number } | undefined;
  report: string | undefined;
}

const fail = (message: string) => new RtdbInputError(`parity: ${message}`);

function integer(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max)
    throw fail(`${flag} must be an integer ${min}..${max}, got ${v}`);
  return n;
}

export function parseParityArgs(args: string[], cwd: string): ParityArgs {
  let size: number | undefined;
  let seed: number | undefined;
  let report: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split(/=(.*)/s) : [a];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw fail(`${flag} needs a value`);
      return v;
    };
    if (flag === '--sample') size = integer(flag, value(), 1, 1_000_000);
    else if (flag === '--seed') seed = integer(flag, value(), 0, 2 ** 32 - 1);
    else if (flag === '--report') report = path.resolve(cwd, value());
    else throw fail(`unknown flag ${a}`);
  }
  if (seed !== undefined && size === undefined) throw fail('--seed applies to --sample only');
  // Without --seed a sample is still repeatable: seed 1, printed with the report.
  return { sample: size === undefined ? undefined : { size, seed: seed ?? 1 }, report };
}

/** Runs the comparison; resolves to the report (the caller sets the exit code from `ok`). */
export async function parityCommand(
  args: string[],
  env: { databaseUrl: string; cwd: string; rtdb: RtdbEnv },
): Promise<ParityReport> {
  const parsed = parseParityArgs(args, env.cwd);
  const rtdb = openRtdb(env.rtdb, 'parity');
  const log = (line: string) => console.log(`parity: ${line}`);
  log(`comparing ${env.rtdb.RTDB_URL ? rtdb.describe : 'RTDB'} with Postgres`);
  const database = createDatabase(env.databaseUrl, { max: 2, connectTimeoutMs: 30_000 });
  try {
    const report = await checkParity({
      db: database.db,
      rtdb: rtdb.database,
      sample: parsed.sample,
      log,
    });
    for (const line of formatParity(report)) log(line);
    if (parsed.report) {
      await mkdir(path.dirname(parsed.report), { recursive: true });
      await writeFile(parsed.report, `${JSON.stringify(report, null, 2)}\n`);
      log(`report written to ${parsed.report}`);
    }
    log(`result ${JSON.stringify({ ok: report.ok, ...report.total, seconds: report.seconds })}`);
    return report;
  } finally {
    await Promise.all([database.close(), rtdb.close()]);
  }
}
