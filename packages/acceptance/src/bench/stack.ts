// pnpm bench:stack — the production stack from built images: time from `up` to all-healthy,
// idle memory per service after 60 s, image sizes, and GET /api/v1/bots?limit=50 in the same run
// through Caddy, through a peer proxy (Debian's nginx, same TLS, log and CPU limit) and directly
// against the backend container, with the CPU each side spent per request; the latency Caddy
// adds at a fixed 500 req/s (generator in a worker thread: fixed-rate.ts); the ceiling of any
// Caddy path here (Caddy serving the same body from a file); and what each part of the
// Caddyfile costs (caddyVariants). Each phase has the CFS throttling of the containers it
// meters and the host's load. Writes bench-results/stack.json.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { createHistogram } from 'node:perf_hooks';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import {
  GenericContainer,
  getContainerRuntimeClient,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { loadManifest, repoRoot } from '../harness/manifest.ts';
import { nginxPeer } from '../harness/nginx.ts';
import { startStack, type StartedStack } from '../harness/stack.ts';
import { caddyfileVariants, edit } from './caddy-variants.ts';
import { generate, runFixedRate, type FixedRateTarget } from './fixed-rate.ts';

const run = promisify(execFile);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
/** BENCH_CADDY_VARIANTS=0 skips the Caddyfile variants (caddyVariants), about 2 minutes. */
const WITH_VARIANTS = process.env.BENCH_CADDY_VARIANTS !== '0';
/** Rounds of the variants, alternately forward and in reverse: more rounds, less noise. */
const VARIANT_ROUNDS = Number(process.env.BENCH_VARIANT_ROUNDS ?? 2);
/**
 * BENCH_CADDY_PROFILE=1 adds two fixed-rate runs through Caddy while its admin endpoint records a
 * Go execution trace, then a CPU profile, over HTTP/1.1, then a trace over h2
 * (bench-results/caddy-trace.out, caddy-cpu.pprof, caddy-trace-h2.out; read
 * them with Debian's golang-go: `go tool trace -pprof=net|sched|syscall`, `go tool pprof`).
 */
const WITH_CADDY_PROFILE = process.env.BENCH_CADDY_PROFILE === '1';
const SEED_BOTS = 500;
const CONNECTIONS = 10;
/**
 * A realistic load for one VPS (the figure); near Caddy's closed-loop rps here, so on a
 * busy host BENCH_FIXED_RATE (lower) measures the hop rather than a queue.
 */
const FIXED_RATE = Number(process.env.BENCH_FIXED_RATE ?? 500);
/**
 * The fixed-rate generator's keep-alive connections (HTTP/1.1: one request each at a time). With
 * 10 at 500 req/s, any answer slower than 20 ms leaves requests waiting for a free connection
 * in the generator, which the latency counts.
 */
const FIXED_CONNECTIONS = Number(process.env.BENCH_FIXED_CONNECTIONS ?? CONNECTIONS);
const TARGETS = {
  upToHealthySeconds: 60,
  idleTotalMiB: 600,
  caddyToNginxRps: 0.9,
  addedP99MsAtFixedRate: 5,
};

const docker = async (...args: string[]) =>
  (await run('docker', args, { maxBuffer: 1 << 26 })).stdout;

function toMiB(text: string): number {
  const m = /([\d.]+)\s*([KMG]i?B|B)/.exec(text);
  if (!m) return NaN;
  const factor =
    { B: 1 / 2 ** 20, KiB: 1 / 1024, KB: 1 / 1024, MiB: 1, MB: 1, GiB: 1024, GB: 1024 }[m[2]!] ??
    NaN;
  return Math.round(Number(m[1]) * factor * 10) / 10;
}

/**
 * CPU time a container has used so far, in ns, and its CFS throttling counters (Docker's stats
 * API: cgroup v1 and v2 alike). A throttled period is one where the container used up its CPU
 * limit (`cpus`) before the 100 ms period ended and waited for the next: up to ~100 ms of
 * latency for whatever it was serving then.
 */
async function cpuStats(containerId: string) {
  const client = await getContainerRuntimeClient();
  const stats = await client.container.dockerode.getContainer(containerId).stats({ stream: false });
  const throttling = stats.cpu_stats.throttling_data;
  return {
    ns: stats.cpu_stats.cpu_usage.total_usage,
    periods: throttling.periods,
    throttledPeriods: throttling.throttled_periods,
    throttledNs: throttling.throttled_time,
  };
}

type Metered = Record<string, string>;

/**
 * Runs one load phase and adds the CPU µs per request of the load generator and of each
 * `metered` container: where the CPU goes per request tells why one path is slower than another,
 * since the load generator, the proxy and the backend share this machine's cores.
 */
async function withCpuPerRequest<T extends { requests: number }>(
  metered: Metered,
  phase: () => Promise<T>,
) {
  const ids = Object.entries(metered);
  const before = await Promise.all(ids.map(([, id]) => cpuStats(id)));
  const started = process.cpuUsage();
  const result = await phase();
  const client = process.cpuUsage(started);
  const after = await Promise.all(ids.map(([, id]) => cpuStats(id)));
  const requests = Math.max(result.requests, 1);
  const cpuUsPerRequest: Record<string, number | null> = {
    load_generator: Math.round((client.user + client.system) / requests),
  };
  const cfsThrottling: Record<
    string,
    { periods: number; throttled_periods: number; throttled_ms: number } | null
  > = {};
  ids.forEach(([name], i) => {
    const [b, a] = [before[i]!, after[i]!];
    // A counter that went back means the container restarted during the phase: no figure.
    const restarted = a.ns < b.ns;
    cpuUsPerRequest[name] = restarted ? null : Math.round((a.ns - b.ns) / 1000 / requests);
    cfsThrottling[name] = restarted
      ? null
      : {
          periods: a.periods - b.periods,
          throttled_periods: a.throttledPeriods - b.throttledPeriods,
          throttled_ms: Math.round((a.throttledNs - b.throttledNs) / 1e6),
        };
  });
  return {
    ...result,
    cpu_us_per_request: cpuUsPerRequest,
    cfs_throttling: cfsThrottling,
    // The host's 1-minute load at the end of the phase: figures taken on a busy host mean little.
    load_1min: Math.round(loadavg()[0]! * 10) / 10,
  };
}

/** As many requests as the path takes: `CONNECTIONS` connections, each sending on each answer. */
async function load(metered: Metered, opts: autocannon.Options) {
  return withCpuPerRequest(metered, async () => {
    const result = await autocannon({ connections: CONNECTIONS, duration: LOAD_SECONDS, ...opts });
    return {
      requests: result.requests.total,
      rps: Math.round(result.requests.average),
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      non2xx: result.non2xx,
      // Which statuses, when some weren't 2xx: a saturated machine shows up here first.
      non2xx_statuses: Object.fromEntries(
        Object.entries(result.statusCodeStats ?? {})
          .filter(([status]) => !status.startsWith('2'))
          .map(([status, { count }]) => [status, count ?? 0]),
      ),
      errors: result.errors,
    };
  });
}

type Target = FixedRateTarget;

/**
 * `FIXED_RATE` requests per second for `LOAD_SECONDS` (open loop: fixed-rate.ts), from a worker
 * thread with nothing else on its event loop; this thread only reads the CPU counters around it.
 */
async function fixedRate(
  metered: Metered,
  target: Target,
  { thread = 'worker', h2 = false }: { thread?: 'worker' | 'main'; h2?: boolean } = {},
) {
  const options = {
    target,
    rate: FIXED_RATE,
    seconds: LOAD_SECONDS,
    connections: FIXED_CONNECTIONS,
    h2,
  };
  // What the previous phase left queued (a saturated machine) drains before the counters start.
  await sleep(2000);
  return withCpuPerRequest(metered, () =>
    thread === 'worker' ? runFixedRate(options) : generate(options),
  );
}

/**
 * The fixed-rate phase through Caddy again, once while Caddy records a Go execution trace and once
 * while it records a CPU profile, each over the phase's load (net/http/pprof on the admin API,
 * which listens only inside the container). The phases' own figures say what recording cost.
 */
async function caddyProfiled(metered: { caddy: string; backend: string }, target: Target) {
  const seconds = Math.max(1, LOAD_SECONDS - 1);
  const trace = `/debug/pprof/trace?seconds=${seconds}`;
  const captures = {
    trace: { path: trace, file: 'caddy-trace.out', h2: false },
    cpu: { path: `/debug/pprof/profile?seconds=${seconds}`, file: 'caddy-cpu.pprof', h2: false },
    trace_h2: { path: trace, file: 'caddy-trace-h2.out', h2: true },
  };
  const runs: Record<string, Awaited<ReturnType<typeof fixedRate>> & { file: string }> = {};
  for (const [name, { path: adminPath, file, h2 }] of Object.entries(captures)) {
    const capture = sleep(2500).then(() =>
      run(
        'docker',
        ['exec', metered.caddy, 'wget', '-q', '-O', '-', `http://localhost:2019${adminPath}`],
        { encoding: 'buffer', maxBuffer: 1 << 28 },
      ),
    );
    const [phase, { stdout }] = await Promise.all([fixedRate(metered, target, { h2 }), capture]);
    const out = path.join(repoRoot, 'bench-results', file);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, stdout);
    runs[name] = { ...phase, file: path.relative(repoRoot, out) };
  }
  return runs;
}

/**
 * `phase` through Caddy plus Caddy's own view of it, from the access log lines written during the
 * phase: `duration` runs from Caddy having read the request's headers to its last write of the
 * response (the upstream's time included), so what the client measured beyond it was spent
 * outside Caddy's handler (TCP, TLS, the kernel's scheduling of Caddy and of the generator).
 * `request.proto` shows which HTTP version the generator spoke.
 */
async function withCaddyLog<T>(caddyId: string, phase: () => Promise<T>) {
  const from = Date.now() / 1000;
  const result = await phase();
  const to = Date.now() / 1000;
  const log = await docker('exec', caddyId, 'tail', '-n', '50000', '/logs/access.log');
  const durationUs = createHistogram();
  const protos: Record<string, number> = {};
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { ts: number; duration: number; request: { proto: string } };
    if (entry.ts < from || entry.ts > to) continue;
    durationUs.record(Math.max(1, Math.round(entry.duration * 1e6)));
    protos[entry.request.proto] = (protos[entry.request.proto] ?? 0) + 1;
  }
  const ms = (us: number) => Math.round(us / 10) / 100;
  return {
    ...result,
    caddy_logged: {
      requests: durationUs.count,
      protos,
      duration_p50_ms: ms(durationUs.percentile(50)),
      duration_p90_ms: ms(durationUs.percentile(90)),
      duration_p99_ms: ms(durationUs.percentile(99)),
      duration_max_ms: ms(durationUs.max),
    },
  };
}

/** Waits until `opts` answers 200: a proxy just started may still be setting up its TLS. */
async function untilOk(what: string, opts: autocannon.Options) {
  for (let attempt = 0; ; attempt++) {
    const probe = await autocannon({ ...opts, connections: 1, amount: 1 });
    if (probe['2xx'] === 1) return;
    if (attempt === 50) throw new Error(`${what} never answered 200`);
    await sleep(200);
  }
}

/** The TLS a client gets from `ip`:443, to show Caddy and the peer speak the same. */
async function tlsOf(ip: string, servername: string) {
  return new Promise<{
    protocol: string | null;
    cipher: string;
    key: string;
    alpn: string | false;
  }>((resolve, reject) => {
    // A browser's ALPN offer: which HTTP version the proxy picks when h2 is on the table.
    const socket = tlsConnect({
      host: ip,
      port: 443,
      servername,
      rejectUnauthorized: false,
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      resolve({
        protocol: socket.getProtocol(),
        cipher: socket.getCipher().name,
        key: cert.asn1Curve ?? `RSA ${cert.bits}`,
        alpn: socket.alpnProtocol ?? false,
      });
      socket.end();
    });
  });
}

/** The stack's running Caddy as Docker sees it: image, env, CPU limit. */
async function stackCaddy(stack: StartedStack) {
  const client = await getContainerRuntimeClient();
  const info = await client.container.dockerode
    .getContainer(stack.container('caddy').getId())
    .inspect();
  return { info, cpus: (info.HostConfig.NanoCpus ?? 0) / 1e9 || 1 };
}

/** The peer (harness/nginx.ts) on the stack's app network beside Caddy, with Caddy's CPU limit. */
async function startNginxPeer(stack: StartedStack) {
  const [{ container, image }, { cpus }] = await Promise.all([nginxPeer(), stackCaddy(stack)]);
  const nginx = await container
    .withNetworkMode(`${stack.projectName}_app`)
    .withResourcesQuota({ cpu: cpus })
    .start();
  return { nginx, cpus, image };
}

/**
 * The list request on each path. All but the published port go straight to a container address,
 * so they don't pay for Docker's userland port proxy (docker-proxy).
 */
function listTargets(stack: StartedStack, listPath: string, token: string) {
  const bearer = { authorization: `Bearer ${token}` };
  const overTls = (hostPort: string, hostHeader: string): Target => ({
    url: `https://${hostPort}${listPath}`,
    servername: 'api.localhost',
    headers: { host: hostHeader, ...bearer },
  });
  const caddyIp = stack.container('caddy').getIpAddress(`${stack.projectName}_edge`);
  const backendIp = stack.container('backend').getIpAddress(`${stack.projectName}_app`);
  const stackHost = `api.localhost:${stack.httpsPort}`;
  return {
    caddyIp,
    caddy: overTls(`${caddyIp}:443`, stackHost),
    publishedPort: overTls(`127.0.0.1:${stack.httpsPort}`, stackHost),
    direct: { url: `http://${backendIp}:8080${listPath}`, headers: bearer },
    peer: (ip: string) => overTls(`${ip}:443`, 'api.localhost'),
  };
}

/**
 * The closed-loop phases: through Caddy, through the nginx peer (started for them), through the
 * published port, and direct. Caddy and its peer run back to back, so that load from elsewhere
 * on the machine hits both alike.
 */
async function throughput(
  stack: StartedStack,
  targets: ReturnType<typeof listTargets>,
  metered: { caddy: string; backend: string },
) {
  const { nginx, cpus, image } = await startNginxPeer(stack);
  try {
    const nginxIp = nginx.getIpAddress(`${stack.projectName}_app`);
    const nginxTarget = targets.peer(nginxIp);
    await untilOk('the nginx peer', nginxTarget);
    const tls = {
      caddy: await tlsOf(targets.caddyIp, 'api.localhost'),
      nginx: await tlsOf(nginxIp, 'api.localhost'),
    };
    const viaCaddy = await load(metered, targets.caddy);
    const nginxPeer = await load({ nginx: nginx.getId(), backend: metered.backend }, nginxTarget);
    const viaPublishedPort = await load(metered, targets.publishedPort);
    const direct = await load(metered, targets.direct);
    return { viaCaddy, nginxPeer: { ...nginxPeer, image, cpus }, viaPublishedPort, direct, tls };
  } finally {
    await nginx.stop();
  }
}

/**
 * A second Caddy like the stack's (image, env, CPU limit) on the stack's app network, where
 * `backend` resolves, serving `caddyfile` and `files`.
 */
async function startCaddy(
  stack: StartedStack,
  caddyfile: string,
  files: { content: string | Buffer; target: string }[] = [],
) {
  const { info: running, cpus } = await stackCaddy(stack);
  const network = `${stack.projectName}_app`;
  const caddy = await new GenericContainer(running.Config.Image)
    .withEnvironment(
      Object.fromEntries(running.Config.Env.map((kv) => kv.split(/=(.*)/s).slice(0, 2))),
    )
    .withNetworkMode(network)
    .withCopyContentToContainer([{ content: caddyfile, target: '/etc/caddy/Caddyfile' }, ...files])
    .withResourcesQuota({ cpu: cpus })
    .withWaitStrategy(Wait.forLogMessage('serving initial configuration'))
    .start();
  const opts = {
    url: `https://${caddy.getIpAddress(network)}:443/api/v1/bots?limit=50&status=running`,
    servername: 'api.localhost',
    headers: { host: 'api.localhost' },
  };
  return { caddy, cpus, opts };
}

const readCaddyfile = () => readFile(path.join(repoRoot, 'deploy/caddy/Caddyfile'), 'utf8');

// The ceiling for any path through Caddy on this machine: the stack's own Caddy (image, env,
// CPU limit, and deploy/caddy/Caddyfile with its TLS, access log and headers) with the API's
// reverse_proxy swapped for the same response body served from a file: no proxy hop, no backend.
const API_PROXY =
  /(\thandle \/api\/v1\/\* \{\n)\t\treverse_proxy [^\n]*\{\n[\s\S]*?\n\t\t\}\n(\t\}\n)/;

async function caddyStaticCeiling(stack: StartedStack, body: Buffer) {
  const caddyfile = edit(
    await readCaddyfile(),
    API_PROXY,
    '$1\t\trewrite * /body.json\n\t\tfile_server {\n\t\t\troot /srv\n\t\t}\n$2',
    'the `handle /api/v1/* { reverse_proxy {…} }` block',
  );
  const { caddy, cpus, opts } = await startCaddy(stack, caddyfile, [
    { content: body, target: '/srv/body.json' },
  ]);
  try {
    // The internal CA issues the site's certificate just after start.
    await untilOk('the ceiling Caddy', opts);
    return { ...(await load({ caddy: caddy.getId() }, opts)), caddy_cpus: cpus };
  } finally {
    await caddy.stop();
  }
}

/**
 * Each variant in a Caddy of its own, all started first; then `VARIANT_ROUNDS` rounds of
 * closed-loop load, every other one in reverse order, so that load from elsewhere on the machine drifting during the
 * rounds hits the first and the last variants alike. Per variant: each run and their mean.
 */
async function caddyVariants(
  stack: StartedStack,
  backendId: string,
  headers: Record<string, string>,
) {
  // Every edit is checked before the first container starts.
  const caddyfiles = Object.entries(caddyfileVariants(await readCaddyfile()));
  const started: { name: string; caddy: StartedTestContainer; target: Target }[] = [];
  try {
    for (const [name, caddyfile] of caddyfiles) {
      const { caddy, opts } = await startCaddy(stack, caddyfile);
      started.push({
        name,
        caddy,
        target: { ...opts, headers: { ...opts.headers, ...headers } },
      });
    }
    for (const { name, target } of started) await untilOk(`the ${name} Caddy`, target);
    const runs: Record<string, Awaited<ReturnType<typeof load>>[]> = {};
    const rounds = Array.from({ length: VARIANT_ROUNDS }, (_, i) =>
      i % 2 ? [...started].reverse() : started,
    );
    for (const round of rounds) {
      for (const { name, caddy, target } of round) {
        const result = await load({ caddy: caddy.getId(), backend: backendId }, target);
        (runs[name] ??= []).push(result);
        console.log(
          `[bench:stack]   ${name}: ${result.rps} rps, Caddy ${result.cpu_us_per_request.caddy} µs/request`,
        );
      }
    }
    const mean = (xs: (number | null)[]) =>
      xs.includes(null) ? null : Math.round(xs.reduce<number>((sum, x) => sum + x!, 0) / xs.length);
    return Object.fromEntries(
      Object.entries(runs).map(([name, results]) => [
        name,
        {
          rps_mean: mean(results.map((r) => r.rps)),
          caddy_cpu_us_per_request_mean: mean(results.map((r) => r.cpu_us_per_request.caddy!)),
          runs: results,
        },
      ]),
    );
  } finally {
    await Promise.all(started.map(({ caddy }) => caddy.stop()));
  }
}

async function main() {
  console.log('[bench:stack] starting the stack from built images');
  const t0 = Date.now();
  const stack = await startStack();
  const upToHealthySeconds = (Date.now() - t0) / 1000;
  console.log(`[bench:stack] all healthy after ${upToHealthySeconds.toFixed(1)} s`);
  try {
    const token = await stack.mintToken();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    for (let i = 0; i < SEED_BOTS; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, j) =>
          stack
            .fetch(stack.url('api', '/api/v1/bots'), {
              method: 'POST',
              headers: auth,
              body: JSON.stringify({
                name: `bench-${i + j}`,
                project: i % 2 ? 'wow_tbc' : 'wow_classic',
                status: 'running',
              }),
            })
            .then((r) => r.arrayBuffer()),
        ),
      );
    }
    console.log(
      `[bench:stack] seeded ${SEED_BOTS} bots; idling ${IDLE_SECONDS} s before docker stats`,
    );
    await sleep(IDLE_SECONDS * 1000);

    const ids = (
      await docker('ps', '-q', '--filter', `label=com.docker.compose.project=${stack.projectName}`)
    )
      .trim()
      .split('\n');
    const memory: Record<string, number> = {};
    for (const line of (
      await docker('stats', '--no-stream', '--format', '{{.Name}}\t{{.MemUsage}}', ...ids)
    )
      .trim()
      .split('\n')) {
      const [name, usage] = line.split('\t');
      const service = name!.replace(`${stack.projectName}-`, '').replace(/-\d+$/, '');
      memory[service] = toMiB(usage!.split('/')[0]!);
    }
    const core = ['caddy', 'frontend', 'backend', 'db', 'minio'];
    const idleTotalMiB = Math.round(core.reduce((sum, s) => sum + (memory[s] ?? 0), 0) * 10) / 10;

    const manifest = loadManifest();
    const images: Record<string, number> = {};
    for (const ref of [
      stack.image('backend'),
      stack.image('frontend'),
      stack.image('ops'),
      manifest.CADDY_IMAGE!,
      manifest.POSTGRES_IMAGE!,
      manifest.S3_IMAGE!,
    ]) {
      images[ref] = Math.round(
        Number((await docker('image', 'inspect', '-f', '{{.Size}}', ref)).trim()) / 1e6,
      );
    }

    const listPath = '/api/v1/bots?limit=50&status=running';
    const targets = listTargets(stack, listPath, token);
    const metered = {
      caddy: stack.container('caddy').getId(),
      backend: stack.container('backend').getId(),
    };
    // The body the ceiling serves, fetched before any load, while the machine is quiet.
    const body = Buffer.from(
      await (
        await stack.fetch(stack.url('api', listPath), { headers: targets.direct.headers })
      ).arrayBuffer(),
    );
    console.log('[bench:stack] load: through Caddy, the nginx peer, the published port, direct');
    const { viaCaddy, nginxPeer, viaPublishedPort, direct, tls } = await throughput(
      stack,
      targets,
      metered,
    );

    console.log(`[bench:stack] load: ${FIXED_RATE} req/s fixed rate, through Caddy and direct`);
    const fixedViaCaddy = await withCaddyLog(metered.caddy, () =>
      fixedRate(metered, targets.caddy),
    );
    const fixedDirect = await fixedRate(metered, targets.direct);
    // What a browser gets: h2, every request on one connection (information, not the target:
    // the direct path has no h2 to compare with).
    const fixedViaCaddyH2 = await withCaddyLog(metered.caddy, () =>
      fixedRate(metered, targets.caddy, { h2: true }),
    );
    // The control: the same generator on this thread, as the bench ran it before.
    const fixedOnMainThread = {
      via_caddy: await fixedRate(metered, targets.caddy, { thread: 'main' }),
      direct: await fixedRate(metered, targets.direct, { thread: 'main' }),
    };
    const profiled = WITH_CADDY_PROFILE ? await caddyProfiled(metered, targets.caddy) : null;
    const added = {
      p50_ms: Math.round((fixedViaCaddy.p50_ms - fixedDirect.p50_ms) * 100) / 100,
      p99_ms: Math.round((fixedViaCaddy.p99_ms - fixedDirect.p99_ms) * 100) / 100,
    };
    // The added latency counts only if both phases ran at the rate, without failures.
    const atRate = [fixedViaCaddy, fixedDirect].every(
      (p) => p.rps_achieved >= 0.95 * FIXED_RATE && p.errors === 0 && p.non2xx === 0,
    );

    console.log(
      `[bench:stack] load: Caddy alone serving the same ${body.length}-byte body (ceiling)`,
    );
    const ceiling = await caddyStaticCeiling(stack, body);

    console.log('[bench:stack] load: Caddy with parts of its config taken out (variants)');
    const variants = WITH_VARIANTS
      ? await caddyVariants(stack, metered.backend, {
          authorization: targets.direct.headers.authorization!,
        })
      : null;

    // Restarts during the run (restart policy) void that container's CPU figures.
    const restarts: Record<string, number> = {};
    for (const service of ['caddy', 'backend']) {
      const id = stack.container(service).getId();
      restarts[service] = Number((await docker('inspect', '-f', '{{.RestartCount}}', id)).trim());
    }
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    const caddyToNginx = ratio(viaCaddy.rps, nginxPeer.rps);
    const result = {
      at: new Date().toISOString(),
      image_tag: stack.imageTag,
      up_to_healthy_seconds: Math.round(upToHealthySeconds * 10) / 10,
      idle_memory_mib: {
        ...memory,
        total_core: idleTotalMiB,
        core_services: core,
        after_seconds: IDLE_SECONDS,
      },
      image_sizes_mb: images,
      bots_list: {
        path: listPath,
        load_seconds: LOAD_SECONDS,
        connections: CONNECTIONS,
        via_caddy: viaCaddy,
        nginx_peer: nginxPeer,
        via_caddy_published_port: viaPublishedPort,
        direct,
        tls,
        caddy_to_nginx_rps: caddyToNginx,
        caddy_cpu_us_per_proxied_request: viaCaddy.cpu_us_per_request.caddy,
        nginx_cpu_us_per_proxied_request: nginxPeer.cpu_us_per_request.nginx,
        // Information, not a target: the three processes share 2 cores here (deploy/README.md).
        caddy_to_direct_rps: ratio(viaCaddy.rps, direct.rps),
        fixed_rate: {
          rps: FIXED_RATE,
          seconds: LOAD_SECONDS,
          connections: FIXED_CONNECTIONS,
          via_caddy: fixedViaCaddy,
          direct: fixedDirect,
          via_caddy_h2: fixedViaCaddyH2,
          added_by_caddy: added,
          at_rate: atRate,
          generator_on_main_thread: fixedOnMainThread,
          via_caddy_profiled: profiled,
        },
        caddy_static_same_body: { ...ceiling, body_bytes: body.length },
        caddy_static_to_direct_rps: ratio(ceiling.rps, direct.rps),
        caddy_config_variants: variants,
        restarts,
      },
      targets: TARGETS,
      met: {
        up_to_healthy: upToHealthySeconds <= TARGETS.upToHealthySeconds,
        idle_total: idleTotalMiB <= TARGETS.idleTotalMiB,
        caddy_to_nginx_rps: caddyToNginx >= TARGETS.caddyToNginxRps,
        added_p99_at_fixed_rate: atRate && added.p99_ms <= TARGETS.addedP99MsAtFixedRate,
      },
    };
    const out = path.join(repoRoot, 'bench-results/stack.json');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    console.log(`[bench:stack] wrote ${out}`);
  } finally {
    await stack.down();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:stack: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
