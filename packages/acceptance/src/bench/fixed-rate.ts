// bench:stack's open-loop generator, run in a worker thread of its own (runFixedRate): on the
// bench's main thread, its docker stats calls and testcontainers' bookkeeping stalled the send
// loop and the answers' callbacks for tens of milliseconds, which the latency percentiles then
// counted as the server's (direct p99 100 ms at 500 req/s, send lateness p99 30 ms).
import { createHistogram, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Pool } from 'undici';

export interface FixedRateTarget {
  url: string;
  headers: Record<string, string>;
  servername?: string;
}

export interface FixedRateOptions {
  target: FixedRateTarget;
  rate: number;
  seconds: number;
  connections: number;
  /**
   * Offer h2 in ALPN (TLS targets only). Off by default: undici 8 offers h2 unless told not to,
   * and over h2 its pool sends every request on one connection, up to 100 at once, so a run
   * "over 10 keep-alive connections" through Caddy (which picks h2) was neither 10 connections
   * nor comparable with the direct path's HTTP/1.1; and each h2 stream is a new goroutine in
   * Caddy, with no bound on how many reach the upstream at once.
   */
  h2?: boolean;
}

export interface FixedRateResult {
  requests: number;
  rps_target: number;
  rps_achieved: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  /** What the client offered in ALPN (TLS targets); Caddy takes h2 when offered. */
  alpn_offered: string[];
  /**
   * How many answers took at most each bound (ms; "inf" for the rest): modes in the tail name
   * their cause (40 ms: Nagle against delayed ACK; 200 ms: a TCP retransmission timeout).
   */
  latency_histogram_ms: Record<string, number>;
  /** How late the generator itself sent (timer granularity, its own event loop). */
  send_lateness_p50_ms: number;
  send_lateness_p99_ms: number;
  /** CPU of the generator's thread alone, per request. */
  generator_thread_cpu_us_per_request: number;
  non2xx: number;
  non2xx_statuses: Record<string, number>;
  errors: number;
}

/**
 * `rate` requests per second for `seconds`, one every 1/rate s whatever the answers do (open
 * loop), over a keep-alive pool of `connections`. Not autocannon's overallRate: that sends each
 * connection's share of a second back to back at the start of the second
 * (mcollina/autocannon#174) and keeps latencies in whole milliseconds, too coarse here.
 * Latency runs from the call (so waiting for a free connection counts) to the body's last byte.
 */
const HISTOGRAM_BOUNDS_MS = [1, 2, 5, 10, 20, 40, 60, 100, 150, 200, 300, 500, 1000];

export async function generate({ target, rate, seconds, connections, h2 }: FixedRateOptions) {
  const { origin, pathname, search } = new URL(target.url);
  const pool = new Pool(origin, {
    connections,
    allowH2: h2 ?? false,
    connect: { rejectUnauthorized: false, servername: target.servername },
  });
  try {
    const latencyUs = createHistogram();
    const lateUs = createHistogram();
    const non2xxStatuses: Record<string, number> = {};
    const histogram = new Array<number>(HISTOGRAM_BOUNDS_MS.length + 1).fill(0);
    let errors = 0;
    const send = async () => {
      const sent = performance.now();
      try {
        const res = await pool.request({
          path: pathname + search,
          method: 'GET',
          headers: target.headers,
          // As autocannon: later than 10 s (waiting for a connection included) is an error.
          signal: AbortSignal.timeout(10_000),
        });
        await res.body.dump({ limit: Infinity });
        if (res.statusCode < 200 || res.statusCode >= 300) {
          non2xxStatuses[res.statusCode] = (non2xxStatuses[res.statusCode] ?? 0) + 1;
        } else {
          const latencyMs = performance.now() - sent;
          latencyUs.record(Math.max(1, Math.round(latencyMs * 1000)));
          const bucket = HISTOGRAM_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
          histogram[bucket === -1 ? HISTOGRAM_BOUNDS_MS.length : bucket]!++;
        }
      } catch {
        errors++;
      }
    };
    const total = rate * seconds;
    const cpuStarted = process.threadCpuUsage();
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait >= 1) await sleep(Math.floor(wait));
      lateUs.record(Math.max(1, Math.round((performance.now() - due) * 1000)));
      inFlight.push(send());
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.threadCpuUsage(cpuStarted);
    const ms = (us: number) => Math.round(us / 10) / 100;
    const result: FixedRateResult = {
      requests: latencyUs.count,
      rps_target: rate,
      rps_achieved: Math.round(latencyUs.count / elapsed),
      p50_ms: ms(latencyUs.percentile(50)),
      p90_ms: ms(latencyUs.percentile(90)),
      p99_ms: ms(latencyUs.percentile(99)),
      max_ms: ms(latencyUs.max),
      alpn_offered: h2 ? ['http/1.1', 'h2'] : ['http/1.1'],
      latency_histogram_ms: Object.fromEntries(
        histogram.map((n, i) => [String(HISTOGRAM_BOUNDS_MS[i] ?? 'inf'), n]),
      ),
      send_lateness_p50_ms: ms(lateUs.percentile(50)),
      send_lateness_p99_ms: ms(lateUs.percentile(99)),
      generator_thread_cpu_us_per_request: Math.round((cpu.user + cpu.system) / Math.max(total, 1)),
      non2xx: Object.values(non2xxStatuses).reduce((sum, n) => sum + n, 0),
      non2xx_statuses: non2xxStatuses,
      errors,
    };
    return result;
  } finally {
    await pool.close();
  }
}

/** Runs the generator in a worker thread, so nothing else shares its event loop. */
export function runFixedRate(options: FixedRateOptions): Promise<FixedRateResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: options });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the fixed-rate worker exited with ${code}`));
    });
  });
}

if (!isMainThread && parentPort) {
  parentPort.postMessage(await generate(workerData as FixedRateOptions));
}
