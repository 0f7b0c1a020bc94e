// A steady load of GET and POST requests through Caddy while a deploy or a cutover runs: a few workers, each
// sending again shortly after each answer, counting every request that did not succeed (a
// status other than the expected one, or no answer at all).
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestInit, Response } from 'undici';

export interface LoadReport {
  requests: number;
  failed: number;
  byKind: Record<string, { requests: number; failed: number }>;
  /** The first few failures, to say what went wrong. */
  failures: string[];
  seconds: number;
  rps: number;
}

export interface LoadTarget {
  name: string;
  workers: number;
  url: string;
  init: () => RequestInit;
  /**
   * The status every answer must have, or a check of each answer that returns why it failed
   * (undefined: it succeeded); a check sees every answer, e.g. to keep what a POST created.
   */
  expect: number | ((res: Response, body: string, init: RequestInit) => string | undefined);
}

export interface SteadyLoad {
  stop(): Promise<LoadReport>;
}

export function startSteadyLoad(
  fetch: (url: string, init?: RequestInit) => Promise<Response>,
  targets: LoadTarget[],
  pauseMs = 10,
): SteadyLoad {
  const started = Date.now();
  const report: LoadReport = {
    requests: 0,
    failed: 0,
    byKind: {},
    failures: [],
    seconds: 0,
    rps: 0,
  };
  let running = true;
  const worker = async (target: LoadTarget) => {
    const kind = (report.byKind[target.name] ??= { requests: 0, failed: 0 });
    while (running) {
      let failure: string | undefined;
      try {
        const init = target.init();
        const res = await fetch(target.url, { ...init, signal: AbortSignal.timeout(10_000) });
        const body = await res.text();
        if (typeof target.expect === 'function') failure = target.expect(res, body, init);
        else if (res.status !== target.expect) failure = `${res.status} ${body.slice(0, 120)}`;
      } catch (error) {
        failure = (error as Error).cause ? String((error as Error).cause) : String(error);
      }
      report.requests++;
      kind.requests++;
      if (failure) {
        report.failed++;
        kind.failed++;
        if (report.failures.length < 10)
          report.failures.push(`${new Date().toISOString()} ${target.name}: ${failure}`);
      }
      await sleep(pauseMs);
    }
  };
  const workers = targets.flatMap((t) => Array.from({ length: t.workers }, () => worker(t)));
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      report.seconds = (Date.now() - started) / 1000;
      report.rps = Math.round(report.requests / report.seconds);
      return report;
    },
  };
}
