// The replicas' reports of the runtime switches (ops.runtime_switch_acks), against real Postgres
// and two real servers: what `cli cutover` waits for before its final sync. Each replica reports
// at every poll what it applies and how many writes it is still answering; a write begun before
// the freeze counts until it is answered; a replica that stops withdraws its report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { endpoints } from '@bot-mox/contracts';
import type { RunningServer } from '@bot-mox/backend';
import { startPostgres, type StartedPostgres } from '../harness/postgres.ts';
import { client, mintToken, startApi } from './support.ts';

let db: StartedPostgres;
let sql: pg.Client;
let one: RunningServer;
let two: RunningServer;

const POLL_MS = 200;

interface Ack {
  replica: string;
  write_freeze: boolean;
  writes_in_flight: number;
  seen_at: Date;
}

const acks = async () =>
  (
    await sql.query<Ack>(
      'select replica, write_freeze, writes_in_flight, seen_at from ops.runtime_switch_acks order by replica',
    )
  ).rows;

/** Polls the reports until `pred` holds (or 5 s pass) and returns the last ones read. */
async function acksWhen(pred: (rows: Ack[]) => boolean): Promise<Ack[]> {
  const until = Date.now() + 5000;
  for (;;) {
    const rows = await acks();
    if (pred(rows) || Date.now() > until) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  db = await startPostgres();
  const env = { RUNTIME_POLL_MS: String(POLL_MS) };
  [one, two] = await Promise.all([startApi(db.url, env), startApi(db.url, env)]);
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});
afterAll(async () => {
  await sql?.end();
  await Promise.all([one?.shutdown(), two?.shutdown()]);
  await db?.stop();
});

describe('ops.runtime_switch_acks', () => {
  it('each replica reports at every poll what it applies', async () => {
    const before = await acksWhen((rows) => rows.length === 2);
    expect(before.map((a) => [a.write_freeze, a.writes_in_flight])).toEqual([
      [false, 0],
      [false, 0],
    ]);
    const later = await acksWhen((rows) =>
      rows.every((r, i) => r.seen_at.getTime() > before[i]!.seen_at.getTime()),
    );
    expect(later.every((r, i) => r.seen_at.getTime() > before[i]!.seen_at.getTime())).toBe(true);
  });

  it('a write begun before the freeze counts until it is answered; the freeze is reported', async () => {
    const token = await mintToken();
    // Hold the bots table so that a create waits inside its handler, past the freeze check.
    const lock = new pg.Client({ connectionString: db.url });
    await lock.connect();
    try {
      await lock.query('begin; lock table bots in access exclusive mode');
      const pending = client(one.url, token).api.call(endpoints.createBots, {
        body: { name: 'in flight at the freeze', project: 'wow_tbc' },
      });
      const busy = await acksWhen((rows) => rows.some((r) => r.writes_in_flight === 1));
      expect(busy.map((r) => r.writes_in_flight).sort()).toEqual([0, 1]);

      await sql.query(
        'update ops.runtime_switches set write_freeze = true, frozen_at = now(), updated_at = now()',
      );
      const frozen = await acksWhen((rows) => rows.every((r) => r.write_freeze));
      expect(frozen.map((r) => r.write_freeze)).toEqual([true, true]);
      // Frozen, but one write is still being answered: not yet safe for a final sync.
      expect(frozen.map((r) => r.writes_in_flight).sort()).toEqual([0, 1]);

      await lock.query('rollback');
      const created = await pending;
      expect(created.name).toBe('in flight at the freeze');
      const settled = await acksWhen((rows) => rows.every((r) => r.writes_in_flight === 0));
      expect(settled.map((r) => [r.write_freeze, r.writes_in_flight])).toEqual([
        [true, 0],
        [true, 0],
      ]);
    } finally {
      await lock.end();
      await sql.query(
        'update ops.runtime_switches set write_freeze = false, frozen_at = null, updated_at = now()',
      );
    }
  });

  it('a replica that stops withdraws its report', async () => {
    await acksWhen((rows) => rows.length === 2);
    await two.shutdown();
    const rows = await acksWhen((r) => r.length === 1);
    expect(rows).toHaveLength(1);
  });
});
