// pnpm bench:stack — the production stack from built images: time from `up` to all-healthy,
// idle memory per service after 60 s, image sizes, and GET /api/v1/bots?limit=50 in the same run
// through Caddy, through a peer proxy (Debian's nginx, same TLS, log and CPU limit) and directly
// against the backend container, with the CPU each side spent per request; the latency Caddy
// adds at a fixed 500 req/s; and the ceiling of any Caddy path here (Caddy serving the same
// body from a file). Writes bench-results/stack.json.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createHistogram, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { GenericContainer, getContainerRuntimeClient, Wait } from 'testcontainers';
import { Pool } from 'undici';
import { loadManifest, repoRoot } from '../harness/manifest.ts';
import { nginxPeer } from '../harness/nginx.ts';
import { startStack, type StartedStack } from '../harness/stack.ts';

const run = promisify(execFile);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const SEED_BOTS = 500;
const CONNECTIONS = 10;
/** A realistic load for one VPS (the figure); near Caddy's closed-loop rps here. */
const FIXED_RATE = 500;
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

/** CPU time a container has used so far, in ns (Docker's stats API: cgroup v1 and v2 alike). */
async function cpuNs(containerId: string): Promise<number> {
  const client = await getContainerRuntimeClient();
  const stats = await client.container.dockerode.getContainer(containerId).stats({ stream: false });
  return stats.cpu_stats.cpu_usage.total_usage;
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
): Promise<T & { cpu_us_per_request: Record<string, number | null> }> {
  const ids = Object.entries(metered);
  const before = await Promise.all(ids.map(([, id]) => cpuNs(id)));
  const started = process.cpuUsage();
  const result = await phase();
  const client = process.cpuUsage(started);
  const after = await Promise.all(ids.map(([, id]) => cpuNs(id)));
  const requests = Math.max(result.requests, 1);
  const cpuUsPerRequest: Record<string, number | null> = {
    load_generator: Math.round((client.user + client.system) / requests),
  };
  ids.forEach(([name], i) => {
    const ns = after[i]! - before[i]!;
    // A counter that went back means the container restarted during the phase: no figure.
    cpuUsPerRequest[name] = ns < 0 ? null : Math.round(ns / 1000 / requests);
  });
  return { ...result, cpu_us_per_request: cpuUsPerRequest };
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

interface Target {
  url: string;
  headers: Record<string, string>;
  servername?: string;
}

/**
 * `FIXED_RATE` requests per second for `LOAD_SECONDS`, one every 1/rate s whatever the answers
 * do (open loop), over a keep-alive pool of `CONNECTIONS`. Not autocannon's overallRate: that
 * sends each connection's share of a second back to back at the start of the second
 * (mcollina/autocannon#174) and keeps latencies in whole milliseconds, too coarse here.
 * Latency runs from the call (so waiting for a free connection counts) to the body's last byte.
 */
async function fixedRate(metered: Metered, target: Target) {
  const { origin, pathname, search } = new URL(target.url);
  const pool = new Pool(origin, {
    connections: CONNECTIONS,
    connect: { rejectUnauthorized: false, servername: target.servername },
  });
  try {
    return await withCpuPerRequest(metered, async () => {
      const latencyUs = createHistogram();
      const lateUs = createHistogram();
      const non2xxStatuses: Record<string, number> = {};
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
          } else latencyUs.record(Math.max(1, Math.round((performance.now() - sent) * 1000)));
        } catch {
          errors++;
        }
      };
      const total = FIXED_RATE * LOAD_SECONDS;
      const started = performance.now();
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / FIXED_RATE;
        const wait = due - performance.now();
        if (wait >= 1) await sleep(Math.floor(wait));
        lateUs.record(Math.max(1, Math.round((performance.now() - due) * 1000)));
        inFlight.push(send());
      }
      await Promise.all(inFlight);
      const seconds = (performance.now() - started) / 1000;
      const ms = (us: number) => Math.round(us / 10) / 100;
      return {
        requests: latencyUs.count,
        rps_target: FIXED_RATE,
        rps_achieved: Math.round(latencyUs.count / seconds),
        p50_ms: ms(latencyUs.percentile(50)),
        p99_ms: ms(latencyUs.percentile(99)),
        max_ms: ms(latencyUs.max),
        // How late the generator itself sent (timer granularity, a busy event loop).
        send_lateness_p99_ms: ms(lateUs.percentile(99)),
        non2xx: Object.values(non2xxStatuses).reduce((sum, n) => sum + n, 0),
        non2xx_statuses: non2xxStatuses,
        errors,
      };
    });
  } finally {
    await pool.close();
  }
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
  return new Promise<{ protocol: string | null; cipher: string; key: string }>(
    (resolve, reject) => {
      const socket = tlsConnect({ host: ip, port: 443, servername, rejectUnauthorized: false });
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        resolve({
          protocol: socket.getProtocol(),
          cipher: socket.getCipher().name,
          key: cert.asn1Curve ?? `RSA ${cert.bits}`,
        });
        socket.end();
      });
    },
  );
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

// The ceiling for any path through Caddy on this machine: the stack's own Caddy (image, env,
// CPU limit, and deploy/caddy/Caddyfile with its TLS, access log and headers) with the API's
// reverse_proxy swapped for the same response body served from a file: no proxy hop, no backend.
const API_PROXY =
  /(\thandle \/api\/v1\/\* \{\n)\t\treverse_proxy [^\n]*\{\n[\s\S]*?\n\t\t\}\n(\t\}\n)/;

async function caddyStaticCeiling(stack: StartedStack, body: Buffer) {
  const { info: running, cpus } = await stackCaddy(stack);
  const caddyfile = await readFile(path.join(repoRoot, 'deploy/caddy/Caddyfile'), 'utf8');
  if (!API_PROXY.test(caddyfile)) {
    throw new Error('deploy/caddy/Caddyfile: no `handle /api/v1/* { reverse_proxy {…} }` block');
  }
  const caddy = await new GenericContainer(running.Config.Image)
    .withEnvironment(
      Object.fromEntries(running.Config.Env.map((kv) => kv.split(/=(.*)/s).slice(0, 2))),
    )
    .withCopyContentToContainer([
      {
        content: caddyfile.replace(
          API_PROXY,
          '$1\t\trewrite * /body.json\n\t\tfile_server {\n\t\t\troot /srv\n\t\t}\n$2',
        ),
        target: '/etc/caddy/Caddyfile',
      },
      { content: body, target: '/srv/body.json' },
    ])
    .withResourcesQuota({ cpu: cpus })
    .withWaitStrategy(Wait.forLogMessage('serving initial configuration'))
    .start();
  try {
    const url = `https://${caddy.getIpAddress(caddy.getNetworkNames()[0]!)}:443/api/v1/bots`;
    const opts = { url, servername: 'api.localhost', headers: { host: 'api.localhost' } };
    // The internal CA issues the site's certificate just after start.
    await untilOk('the ceiling Caddy', opts);
    return { ...(await load({ caddy: caddy.getId() }, opts)), caddy_cpus: cpus };
  } finally {
    await caddy.stop();
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
    const fixedViaCaddy = await fixedRate(metered, targets.caddy);
    const fixedDirect = await fixedRate(metered, targets.direct);
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
          via_caddy: fixedViaCaddy,
          direct: fixedDirect,
          added_by_caddy: added,
          at_rate: atRate,
        },
        caddy_static_same_body: { ...ceiling, body_bytes: body.length },
        caddy_static_to_direct_rps: ratio(ceiling.rps, direct.rps),
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
