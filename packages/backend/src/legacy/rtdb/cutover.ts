// `cli cutover [--settle-ms N] [--page-size N]` and `cli cutover --abort` (issue 15, phase 5): from the legacy
// RTDB to Postgres in one command, through the runtime switches every replica polls
// (platform/runtime-switches.ts):
//   1. freeze: every write answers 503 + Retry-After on every replica, reads keep working;
//   2. settle: wait until every live replica reports (ops.runtime_switch_acks) that it applies the
//      freeze and answers no write begun before it; a replica silent for three polls counts as
//      gone; when none reports at all (replicas older than the table), wait two polls instead;
//   3. final sync: migrate:rtdb from the live RTDB (what changed since the last run);
//   4. parity (full); when it fails the freeze stays on, so nothing diverges, and the command
//      says how to go back (--abort);
//   5. switch every replica to supabase and lift the freeze; report how long writes were frozen.
import type { Db } from '../../platform/db/database.ts';
import { createDatabase } from '../../platform/db/database.ts';
import {
  readAcks,
  readSwitches,
  writeSwitches,
  type SwitchAck,
} from '../../platform/runtime-switches.ts';
import { openRtdb, RtdbInputError } from './command.ts';
import type { RtdbEnv } from './firebase.ts';
import { DEFAULT_PAGE_SIZE, readLive } from './live-reader.ts';
import { formatSummary, migrateRtdb } from './migrate.ts';
import { checkParity, formatParity } from './parity.ts';

const fail = (message: string) => new RtdbInputError(`cutover: ${message}`);

export interface CutoverArgs {
  abort: boolean;
  /** At least this long after freezing (on top of the replicas' reports); default 0. */
  settleMs: number | undefined;
  /** Records per query of the final sync (migrate:rtdb --page-size); default DEFAULT_PAGE_SIZE. */
  pageSize: number | undefined;
}

export function parseCutoverArgs(args: string[]): CutoverArgs {
  let abort = false;
  let settleMs: number | undefined;
  let pageSize: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split(/=(.*)/s) : [a];
    if (flag === '--abort' && inline === undefined) abort = true;
    else if (flag === '--settle-ms') {
      const v = inline ?? args[++i] ?? '';
      if (!/^\d+$/.test(v) || Number(v) > 600_000)
        throw fail(`--settle-ms must be an integer 0..600000, got ${v || 'nothing'}`);
      settleMs = Number(v);
    } else if (flag === '--page-size') {
      const v = inline ?? args[++i] ?? '';
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10_000)
        throw fail(`--page-size must be an integer 1..10000, got ${v || 'nothing'}`);
      pageSize = Number(v);
    } else throw fail(`unknown flag ${a}`);
  }
  if (abort && settleMs !== undefined) throw fail('--settle-ms does not apply to --abort');
  if (abort && pageSize !== undefined) throw fail('--page-size does not apply to --abort');
  return { abort, settleMs, pageSize };
}

export interface CutoverResult {
  switched: boolean;
  /** Seconds from the freeze to its lift (or to the refusal, when parity failed). */
  freeze_seconds: number;
  sync: { changed: number; rejects: number };
  parity: { ok: boolean; compared: number; differences: number };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const since = (iso: string) => Math.round(Date.now() - Date.parse(iso)) / 1000;

/** The longest the cutover waits for every replica to report the freeze. */
const ACK_TIMEOUT_MS = 60_000;

const describeAck = (a: SwitchAck) =>
  `${a.replica} (${a.writeFreeze ? 'frozen' : 'not frozen'}, ${a.writesInFlight} write(s) in flight, seen ${a.seenAt})`;

/**
 * Waits until every replica heard from in the last three polls reports, from a poll after the
 * freeze began, that it applies the freeze and has no write in flight; returns those replicas.
 * Without any report (replicas older than ops.runtime_switch_acks) it waits two polls and a
 * second, as before. On timeout the freeze stays on and the error names the replicas.
 */
async function waitForFreeze(
  db: Db,
  frozenAt: string,
  pollMs: number,
  log: (line: string) => void,
): Promise<SwitchAck[]> {
  const liveWithinMs = 3 * pollMs + 2000;
  const deadline = Date.now() + ACK_TIMEOUT_MS;
  const frozenMs = Date.parse(frozenAt);
  let first = true;
  for (;;) {
    const acks = await readAcks(db, liveWithinMs);
    if (acks.length === 0 && first) {
      log(`   no replica reports its switches; waiting two polls (${2 * pollMs + 1000} ms)`);
      await sleep(2 * pollMs + 1000);
      return [];
    }
    first = false;
    const pending = acks.filter(
      (a) => !(a.writeFreeze && Date.parse(a.seenAt) >= frozenMs && a.writesInFlight === 0),
    );
    if (pending.length === 0) return acks;
    if (Date.now() > deadline) {
      throw fail(
        `not every replica applied the freeze within ${ACK_TIMEOUT_MS / 1000} s: ` +
          `${pending.map(describeAck).join('; ')}. Writes stay frozen: run cli cutover again, ` +
          `or cli cutover --abort to lift the freeze and keep serving from RTDB`,
      );
    }
    await sleep(Math.min(250, pollMs));
  }
}

async function abort(db: Db, log: (line: string) => void): Promise<void> {
  const now = await readSwitches(db);
  if (now.dataBackend === 'supabase')
    throw fail(
      'already cut over to supabase; going back to RTDB would lose the writes made since, so --abort refuses',
    );
  await writeSwitches(db, { writeFreeze: false });
  log(
    now.writeFreeze
      ? `freeze lifted after ${since(now.frozenAt!)} s; RTDB keeps serving (nothing was switched)`
      : 'no freeze was on; RTDB keeps serving',
  );
}

export async function cutoverCommand(
  args: string[],
  env: { databaseUrl: string; rtdb: RtdbEnv; pollMs: number },
): Promise<CutoverResult | undefined> {
  const parsed = parseCutoverArgs(args);
  const log = (line: string) => console.log(`cutover: ${line}`);
  const database = createDatabase(env.databaseUrl, { max: 2, connectTimeoutMs: 30_000 });
  const db = database.db;
  try {
    if (parsed.abort) {
      await abort(db, log);
      return undefined;
    }
    const before = await readSwitches(db);
    if (before.dataBackend === 'supabase' && !before.writeFreeze) {
      log('already cut over: every replica serves supabase');
      return undefined;
    }
    const rtdb = openRtdb(env.rtdb, 'cutover');
    try {
      const frozen = await writeSwitches(db, { writeFreeze: true });
      const frozenAt = frozen.frozenAt!;
      log('1/5 writes frozen (503 + Retry-After); waiting for every replica to apply it');
      if (parsed.settleMs) await sleep(parsed.settleMs);
      const replicas = await waitForFreeze(db, frozenAt, env.pollMs, log);
      if (replicas.length > 0) {
        log(
          `   ${replicas.length} replica(s) frozen with no write in flight after ${since(frozenAt)} s`,
        );
      }

      log(`2/5 final sync from ${rtdb.describe}`);
      const sync = await migrateRtdb({
        db,
        records: (domains) =>
          readLive(rtdb.database, domains, parsed.pageSize ?? DEFAULT_PAGE_SIZE),
        source: `rtdb:${new URL(env.rtdb.RTDB_URL!).host}`,
        dryRun: false,
        batchSize: 500,
        log: (line) => log(`   ${line}`),
      });
      log(`   ${formatSummary(sync.total)}; ${sync.total.changed} changed`);

      log('3/5 parity');
      const report = await checkParity({ db, rtdb: rtdb.database, log: (l) => log(`   ${l}`) });
      const differences =
        report.total.missing_in_rtdb + report.total.missing_in_supabase + report.total.mismatches;
      const result: CutoverResult = {
        switched: false,
        freeze_seconds: 0,
        sync: { changed: sync.total.changed, rejects: sync.total.rejects },
        parity: { ok: report.ok, compared: report.total.compared, differences },
      };
      if (!report.ok) {
        for (const line of formatParity(report)) log(`   ${line}`);
        result.freeze_seconds = since(frozenAt);
        log(
          `parity failed: NOT switched; writes stay frozen so that nothing diverges. Fix the ` +
            `differences and run cli cutover again, or run cli cutover --abort to lift the ` +
            `freeze and keep serving from RTDB.`,
        );
        return result;
      }
      log('4/5 switching every replica to supabase');
      await writeSwitches(db, { dataBackend: 'supabase' });
      // Replicas see both changes at their next poll; lifting the freeze in a second statement
      // after one poll means none takes a write on RTDB after the switch.
      await sleep(env.pollMs + 200);
      await writeSwitches(db, { writeFreeze: false });
      result.switched = true;
      result.freeze_seconds = since(frozenAt);
      log(`5/5 freeze lifted: writes were frozen for ${result.freeze_seconds} s`);
      return result;
    } finally {
      await rtdb.close();
    }
  } finally {
    await database.close();
  }
}
