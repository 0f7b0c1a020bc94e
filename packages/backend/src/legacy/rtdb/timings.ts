// Where a migrate:rtdb run spends its time, phase by phase (`cli migrate:rtdb --timings`,
// bench:migrate). Phases are named `<domain>.<what>` or `run.<what>`:
// * `<domain>.read`: waiting for the record source's next record (file read + JSON tokenizing);
// * `<domain>.map`: the normalising rules (records.ts) and the batching around them;
// * `<domain>.wait_sql`: the importing thread blocked on the previous batch's statements;
// * `<domain>.sql.<statement>`: each statement, from the call (building its JSON) to its answer
//   being handled; these run while the next batch is read, so they overlap `read` and `map`;
// * `<domain>.finish.<what>`: the work after a domain's last record (delete of vanished keys,
//   dangling-reference count);
// * `run.connect`, `run.setup`, `run.rejects`, `run.summary`, `run.commit`.
// `postgres_busy_ms` is the sum of the statements' times (one connection: they never overlap);
// the rest of the wall time the connection sat idle while this thread read and mapped records.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface PhaseTime {
  n: number;
  ms: number;
  max_ms: number;
}

export interface TimingsReport {
  wall_ms: number;
  postgres_busy_ms: number;
  postgres_idle_ms: number;
  /** Transactions committed (or rolled back, for a dry run). */
  transactions: number;
  /** The longest the event loop was blocked (a synchronous parse of a chunk, say). */
  event_loop_delay_max_ms: number;
  /** Each phase; `*.`-prefixed entries sum one kind over all domains. */
  phases: Record<string, PhaseTime>;
}

const ms = (n: number) => Math.round(n * 10) / 10;

export class Timings {
  private readonly phases = new Map<string, PhaseTime>();
  private readonly started = performance.now();
  private readonly loop = monitorEventLoopDelay({ resolution: 5 });
  private sqlMs = 0;
  transactions = 0;

  constructor() {
    this.loop.enable();
  }

  add(phase: string, elapsed: number): void {
    const p =
      this.phases.get(phase) ?? this.phases.set(phase, { n: 0, ms: 0, max_ms: 0 }).get(phase)!;
    p.n++;
    p.ms += elapsed;
    p.max_ms = Math.max(p.max_ms, elapsed);
  }

  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.add(phase, performance.now() - t0);
    }
  }

  /** A statement on the import's connection (counted in postgres_busy_ms). */
  async sql<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      const elapsed = performance.now() - t0;
      this.sqlMs += elapsed;
      this.add(phase, elapsed);
    }
  }

  report(): TimingsReport {
    this.loop.disable();
    const wall = performance.now() - this.started;
    const byKind = new Map<string, PhaseTime>();
    for (const [name, p] of this.phases) {
      if (name.startsWith('run.')) continue;
      const kind = `*.${name.slice(name.indexOf('.') + 1)}`;
      const k = byKind.get(kind) ?? byKind.set(kind, { n: 0, ms: 0, max_ms: 0 }).get(kind)!;
      k.n += p.n;
      k.ms += p.ms;
      k.max_ms = Math.max(k.max_ms, p.max_ms);
    }
    const phases = Object.fromEntries(
      [...this.phases, ...byKind]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, p]) => [name, { n: p.n, ms: ms(p.ms), max_ms: ms(p.max_ms) }]),
    );
    return {
      wall_ms: ms(wall),
      postgres_busy_ms: ms(this.sqlMs),
      postgres_idle_ms: ms(wall - this.sqlMs),
      transactions: this.transactions,
      event_loop_delay_max_ms: ms(this.loop.max / 1e6),
      phases,
    };
  }
}

/** Readable lines: the totals, then every phase kind (summed over domains) by time. */
export function formatTimings(t: TimingsReport): string[] {
  const kinds = Object.entries(t.phases)
    .filter(([name]) => name.startsWith('*.') || name.startsWith('run.'))
    .sort(([, a], [, b]) => b.ms - a.ms)
    .map(([name, p]) => `  ${name}: ${p.ms} ms (${p.n}x, max ${p.max_ms} ms)`);
  return [
    `wall ${t.wall_ms} ms; postgres busy ${t.postgres_busy_ms} ms, idle ${t.postgres_idle_ms} ms; ` +
      `${t.transactions} transaction(s); event loop blocked up to ${t.event_loop_delay_max_ms} ms`,
    ...kinds,
  ];
}
