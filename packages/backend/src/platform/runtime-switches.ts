// The runtime switches (ops.runtime_switches, one row): a write freeze and the data backend that
// every replica reads at start and polls while it runs, so that `cli cutover` changes them for
// all replicas at once, without a redeploy, and a restarted replica comes back in the same state.
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from './db/database.ts';

export type DataBackend = 'supabase' | 'rtdb';

export interface Switches {
  writeFreeze: boolean;
  /** When the freeze began (ISO), null without a freeze. */
  frozenAt: string | null;
  /** Null until a cutover sets it: DATA_BACKEND decides then. */
  dataBackend: DataBackend | null;
}

export const NO_SWITCHES: Switches = { writeFreeze: false, frozenAt: null, dataBackend: null };

/** The switches as stored; NO_SWITCHES where the table does not exist yet (before db:migrate). */
export async function readSwitches(db: Db): Promise<Switches> {
  try {
    const { rows } = await sql<{
      write_freeze: boolean;
      frozen_at: Date | null;
      data_backend: DataBackend | null;
    }>`select write_freeze, frozen_at, data_backend from ops.runtime_switches`.execute(db);
    const row = rows[0];
    if (!row) return NO_SWITCHES;
    return {
      writeFreeze: row.write_freeze,
      frozenAt: row.frozen_at ? row.frozen_at.toISOString() : null,
      dataBackend: row.data_backend,
    };
  } catch (err) {
    if ((err as { code?: unknown }).code === '42P01') return NO_SWITCHES;
    throw err;
  }
}

/** Sets the freeze (its start time kept while it lasts) and/or the data backend. */
export async function writeSwitches(
  db: Db,
  change: { writeFreeze?: boolean; dataBackend?: DataBackend | null },
): Promise<Switches> {
  const freeze = change.writeFreeze;
  await sql`
    update ops.runtime_switches set
      write_freeze = coalesce(${freeze ?? null}::boolean, write_freeze),
      frozen_at = case
        when ${freeze ?? null}::boolean is null then frozen_at
        when ${freeze ?? null}::boolean then coalesce(frozen_at, now())
        else null end,
      data_backend = case when ${change.dataBackend !== undefined} then ${change.dataBackend ?? null}::text
        else data_backend end,
      updated_at = now()`.execute(db);
  return readSwitches(db);
}

/** Write requests past the freeze check and not yet answered, on this replica. */
export class WritesInFlight {
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /** Counts one write; the returned function ends it (once, however often it is called). */
  begin(): () => void {
    this.#count++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#count--;
    };
  }
}

/** One replica's last report (ops.runtime_switch_acks). */
export interface SwitchAck {
  replica: string;
  seenAt: string;
  writeFreeze: boolean;
  dataBackend: DataBackend | null;
  writesInFlight: number;
}

/** The reports of replicas heard from in the last `withinMs`; [] before the table exists. */
export async function readAcks(db: Db, withinMs: number): Promise<SwitchAck[]> {
  try {
    const { rows } = await sql<{
      replica: string;
      seen_at: Date;
      write_freeze: boolean;
      data_backend: DataBackend | null;
      writes_in_flight: number;
    }>`select replica, seen_at, write_freeze, data_backend, writes_in_flight
       from ops.runtime_switch_acks
       where seen_at > now() - make_interval(secs => ${withinMs / 1000})
       order by replica`.execute(db);
    return rows.map((r) => ({
      replica: r.replica,
      seenAt: r.seen_at.toISOString(),
      writeFreeze: r.write_freeze,
      dataBackend: r.data_backend,
      writesInFlight: r.writes_in_flight,
    }));
  } catch (err) {
    if ((err as { code?: unknown }).code === '42P01') return [];
    throw err;
  }
}

/** One replica's view of the switches: read at start, then every `pollMs`. */
export class RuntimeSwitches {
  readonly #db: Db | undefined;
  readonly #pollMs: number;
  readonly #log: Logger;
  readonly #replica: string;
  readonly #writes: WritesInFlight | undefined;
  readonly #watchers = new Set<(now: Switches, before: Switches) => void>();
  #current: Switches = NO_SWITCHES;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    db: Db | undefined,
    options: {
      pollMs: number;
      log: Logger;
      /** This replica's name in ops.runtime_switch_acks; without it, it reports nothing. */
      replica?: string;
      writes?: WritesInFlight;
    },
  ) {
    this.#db = db;
    this.#pollMs = options.pollMs;
    this.#log = options.log;
    this.#replica = options.replica ?? '';
    this.#writes = options.writes;
  }

  get current(): Switches {
    return this.#current;
  }

  onChange(fn: (now: Switches, before: Switches) => void): void {
    this.#watchers.add(fn);
  }

  async #refresh(): Promise<void> {
    if (!this.#db) return;
    const next = await readSwitches(this.#db);
    const before = this.#current;
    const changed =
      next.writeFreeze !== before.writeFreeze ||
      next.dataBackend !== before.dataBackend ||
      next.frozenAt !== before.frozenAt;
    this.#current = next;
    // Applied before it is reported: a report of the freeze means no new write gets past it.
    await this.#ack(next);
    if (!changed) return;
    this.#log.info(
      { write_freeze: next.writeFreeze, data_backend: next.dataBackend },
      'runtime switches changed',
    );
    for (const fn of this.#watchers) fn(next, before);
  }

  /** Reports what this replica applies now (ops.runtime_switch_acks), at every poll. */
  async #ack(now: Switches): Promise<void> {
    if (!this.#db || !this.#replica) return;
    try {
      await sql`
        insert into ops.runtime_switch_acks
          (replica, seen_at, write_freeze, data_backend, writes_in_flight)
        values (${this.#replica}, now(), ${now.writeFreeze}, ${now.dataBackend},
          ${this.#writes?.count ?? 0})
        on conflict (replica) do update set seen_at = excluded.seen_at,
          write_freeze = excluded.write_freeze, data_backend = excluded.data_backend,
          writes_in_flight = excluded.writes_in_flight`.execute(this.#db);
    } catch (err) {
      // Before db:migrate made the table there is nothing to report to.
      if ((err as { code?: unknown }).code !== '42P01') throw err;
    }
  }

  /** Reads them once (an unreachable database keeps the defaults), then polls. */
  async start(): Promise<void> {
    try {
      await this.#refresh();
    } catch (err) {
      this.#log.warn({ err: { message: (err as Error).message } }, 'runtime switches unreadable');
    }
    if (!this.#db) return;
    this.#timer = setInterval(() => {
      this.#refresh().catch(() => {
        // The database is away: keep the last state (ready reports the database).
      });
    }, this.#pollMs);
    this.#timer.unref();
  }

  /** Stops polling and withdraws this replica's report (a stopped replica holds up no cutover). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    if (!this.#db || !this.#replica) return;
    await sql`delete from ops.runtime_switch_acks where replica = ${this.#replica}`
      .execute(this.#db)
      .catch(() => {
        // The database is away or the table missing: its report goes stale by itself.
      });
  }
}
