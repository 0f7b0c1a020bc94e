// pnpm bench:api: Postgres from the image manifest (the acceptance harness), the backend as its
// own process, 10k bots and 100k finance operations, then autocannon for 10 s against each of
// /health/live, /bots?limit=50 with a filter, and /finance/summary. Writes bench-results/api.json.
//
// Env: BENCH_DURATION_S (10), BENCH_CONNECTIONS (10), BENCH_OUT (bench-results/api.json).
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
// The harness lives in the acceptance package (which depends on this one); import it by path.
import { startPostgres } from '../../../acceptance/src/harness/postgres.ts';
import { mintJwt } from '../test-support/jwt.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const duration = Number(process.env.BENCH_DURATION_S ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const out = path.resolve(repoRoot, process.env.BENCH_OUT ?? 'bench-results/api.json');
const secret = `bench-${Date.now()}`.padEnd(48, 'x');

const log = (line: string) => console.log(`bench:api: ${line}`);

async function seed(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const t0 = Date.now();
    await c.query(`
      insert into bots (legacy_id, name, status, project, vm_name, tags, created_at, updated_at)
      select 'bench' || lpad(g::text, 6, '0'),
             'bot-' || g,
             (array['prepare','running','idle','stopped','error','banned'])[1 + g % 6],
             (array['wow_tbc','wow_classic','wow_retail','lineage2'])[1 + g % 4],
             'VM-' || (g % 60),
             array[(array['eu','us','ru','asia'])[1 + g % 4], 'farm'],
             now() - make_interval(mins => g), now() - make_interval(mins => g)
        from generate_series(1, 10000) g`);
    await c.query(`
      insert into finance_operations (legacy_id, type, category, amount, currency, occurred_at, bot_id, comment)
      select 'benchop' || lpad(g::text, 7, '0'),
             case when g % 3 = 0 then 'expense' else 'income' end,
             (array['gold_sale','account_sale','proxy','vps','license','subscription'])[1 + g % 6],
             round((1 + (g * 7919 % 250000) / 100.0)::numeric, 2),
             (array['USD','EUR','RUB'])[1 + g % 3],
             timestamptz '2023-01-01' + make_interval(secs => (g::bigint * 997) % (3 * 365 * 86400)),
             b.id,
             ''
        from generate_series(1, 100000) g
        left join lateral (select id from bots where legacy_id = 'bench' || lpad((1 + g % 10000)::text, 6, '0')) b on true`);
    await c.query('analyze bots, finance_operations, finance_monthly_totals');
    log(`seeded 10,000 bots and 100,000 operations in ${Date.now() - t0} ms`);
  } finally {
    await c.end();
  }
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

async function startBackend(databaseUrl: string) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--conditions=@bot-mox/source', path.join(repoRoot, 'packages/backend/src/main.ts')],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        SUPABASE_JWT_SECRET: secret,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        SHUTDOWN_DELAY_MS: '0',
        MIGRATIONS_DIR: path.join(repoRoot, 'supabase/migrations'),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`backend exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/api/v1/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 150) throw new Error('backend did not become ready in 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url };
}

interface Figures {
  url: string;
  connections: number;
  duration_s: number;
  requests: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
  non_2xx: number;
}

async function run(name: string, url: string, token?: string): Promise<Figures> {
  const r = await autocannon({
    url,
    connections,
    duration,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const f: Figures = {
    url: url.replace(/^http:\/\/[^/]+/, ''),
    connections,
    duration_s: duration,
    requests: r.requests.total,
    rps: Math.round(r.requests.average * 10) / 10,
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    errors: r.errors + r.timeouts,
    non_2xx: r.non2xx,
  };
  log(
    `${name}: ${f.rps} req/s, p50 ${f.p50_ms} ms, p99 ${f.p99_ms} ms, errors ${f.errors}, non-2xx ${f.non_2xx}`,
  );
  if (f.errors || f.non_2xx)
    throw new Error(`${name}: ${f.errors} errors and ${f.non_2xx} non-2xx responses`);
  return f;
}

async function main(): Promise<void> {
  log('starting Postgres from the image manifest');
  const db = await startPostgres();
  let backend: Awaited<ReturnType<typeof startBackend>> | undefined;
  try {
    await seed(db.url);
    backend = await startBackend(db.url);
    const token = await mintJwt(secret, {
      role: 'authenticated',
      aud: 'authenticated',
      sub: 'bench',
    });
    const api = `${backend.url}/api/v1`;
    // Warm-up: connection pool, plans, JIT of the handlers.
    await run('warm-up', `${api}/bots?limit=50&status=running`, token).catch(() => undefined);
    const results = {
      health_live: await run('GET /health/live', `${api}/health/live`),
      bots_list: await run(
        'GET /bots?limit=50&status=running&project=wow_classic',
        `${api}/bots?limit=50&status=running&project=wow_classic`,
        token,
      ),
      finance_summary: await run('GET /finance/summary', `${api}/finance/summary`, token),
    };
    const ratio = Math.round((results.bots_list.rps / results.health_live.rps) * 100) / 100;
    const report = {
      generated_at: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        model: cpus()[0]?.model ?? 'unknown',
        node: process.version,
      },
      seed: { bots: 10_000, finance_operations: 100_000 },
      results,
      targets: {
        bots_list_rps_ratio_to_live: { value: ratio, target: 0.5, met: ratio >= 0.5 },
        finance_summary_p99_ms: {
          value: results.finance_summary.p99_ms,
          target: 50,
          met: results.finance_summary.p99_ms <= 50,
        },
      },
    };
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    log(
      `wrote ${path.relative(repoRoot, out)}: bots/live ratio ${ratio}, summary p99 ${results.finance_summary.p99_ms} ms`,
    );
  } finally {
    if (backend && backend.child.exitCode === null) {
      const exited = new Promise((r) => backend!.child.once('exit', r));
      backend.child.kill('SIGTERM');
      await exited;
    }
    await db.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:api: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
