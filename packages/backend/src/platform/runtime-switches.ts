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

/** One replica's view of the switches: read at start, then every `pollMs`. */
export class RuntimeSwitches {
  readonly #db: Db | undefined;
  readonly #pollMs: number;
  readonly #log: Logger;
  readonly #watchers = new Set<(now: Switches, before: Switches) => void>();
  #current: Switches = NO_SWITCHES;
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Db | undefined, options: { pollMs: number; log: Logger }) {
    this.#db = db;
    this.#pollMs = options.pollMs;
    this.#log = options.log;
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
    if (
      next.writeFreeze === before.writeFreeze &&
      next.dataBackend === before.dataBackend &&
      next.frozenAt === before.frozenAt
    )
      return;
    this.#current = next;
    this.#log.info(
      { write_freeze: next.writeFreeze, data_backend: next.dataBackend },
      'runtime switches changed',
    );
    for (const fn of this.#watchers) fn(next, before);
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

  stop(): void {
    clearInterval(this.#timer);
  }
}
