// pnpm bench:stack — the production stack from built images: time from `up` to all-healthy,
// idle memory per service after 60 s, image sizes, and GET /api/v1/bots?limit=50 through Caddy
// vs directly against the backend container, in the same run, with the CPU each side spent per
// request, and the ceiling of any Caddy path here (Caddy serving the same body from a file).
// Writes bench-results/stack.json.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { GenericContainer, getContainerRuntimeClient, Wait } from 'testcontainers';
import { loadManifest, repoRoot } from '../harness/manifest.ts';
import { startStack, type StartedStack } from '../harness/stack.ts';

const run = promisify(execFile);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const SEED_BOTS = 500;
const TARGETS = { upToHealthySeconds: 60, idleTotalMiB: 600, caddyToDirectRps: 0.85 };

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

/**
 * One load phase. `metered` names the containers whose CPU is counted: where the CPU goes per
 * request (µs) tells why one path is slower than another, since the load generator, Caddy and
 * the backend share this machine's cores.
 */
async function load(metered: Record<string, string>, opts: autocannon.Options) {
  const ids = Object.entries(metered);
  const before = await Promise.all(ids.map(([, id]) => cpuNs(id)));
  const started = process.cpuUsage();
  const result = await autocannon({ connections: 10, duration: LOAD_SECONDS, ...opts });
  const client = process.cpuUsage(started);
  const after = await Promise.all(ids.map(([, id]) => cpuNs(id)));
  const requests = Math.max(result.requests.total, 1);
  const cpuUsPerRequest: Record<string, number> = {
    load_generator: Math.round((client.user + client.system) / requests),
  };
  ids.forEach(([name], i) => {
    cpuUsPerRequest[name] = Math.round((after[i]! - before[i]!) / 1000 / requests);
  });
  return {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpu_us_per_request: cpuUsPerRequest,
  };
}

// The ceiling for any path through Caddy on this machine: the stack's own Caddy (image, env,
// CPU limit, and deploy/caddy/Caddyfile with its TLS, access log and headers) with the API's
// reverse_proxy swapped for the same response body served from a file: no proxy hop, no backend.
const API_PROXY = /(\thandle \/api\/v1\/\* \{\n)\t\treverse_proxy \{\n[\s\S]*?\n\t\t\}\n(\t\}\n)/;

async function caddyStaticCeiling(stack: StartedStack, body: Buffer) {
  const client = await getContainerRuntimeClient();
  const stackCaddy = await client.container.dockerode
    .getContainer(stack.container('caddy').getId())
    .inspect();
  const caddyfile = await readFile(path.join(repoRoot, 'deploy/caddy/Caddyfile'), 'utf8');
  if (!API_PROXY.test(caddyfile)) {
    throw new Error('deploy/caddy/Caddyfile: no `handle /api/v1/* { reverse_proxy {…} }` block');
  }
  const cpus = (stackCaddy.HostConfig.NanoCpus ?? 0) / 1e9 || 1;
  const caddy = await new GenericContainer(stackCaddy.Config.Image)
    .withEnvironment(
      Object.fromEntries(stackCaddy.Config.Env.map((kv) => kv.split(/=(.*)/s).slice(0, 2))),
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
    // The internal CA issues the site's certificate just after start: wait for a 200.
    for (let attempt = 0; ; attempt++) {
      const probe = await autocannon({ ...opts, connections: 1, amount: 1 });
      if (probe['2xx'] === 1) break;
      if (attempt === 50) throw new Error('the ceiling Caddy never answered 200');
      await sleep(200);
    }
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

    const backendIp = stack.container('backend').getIpAddress(`${stack.projectName}_app`);
    const listPath = '/api/v1/bots?limit=50&status=running';
    console.log('[bench:stack] load: through Caddy, then direct');
    // Both paths go straight to a container address, so neither pays for Docker's userland
    // port proxy (docker-proxy) that only the published port would add.
    const caddyIp = stack.container('caddy').getIpAddress(`${stack.projectName}_edge`);
    const metered = {
      caddy: stack.container('caddy').getId(),
      backend: stack.container('backend').getId(),
    };
    const viaCaddy = await load(metered, {
      url: `https://${caddyIp}:443${listPath}`,
      servername: 'api.localhost',
      headers: { host: `api.localhost:${stack.httpsPort}`, authorization: `Bearer ${token}` },
    });
    const viaPublishedPort = await load(metered, {
      url: `https://127.0.0.1:${stack.httpsPort}${listPath}`,
      servername: 'api.localhost',
      headers: { host: `api.localhost:${stack.httpsPort}`, authorization: `Bearer ${token}` },
    });
    const direct = await load(metered, {
      url: `http://${backendIp}:8080${listPath}`,
      headers: { authorization: `Bearer ${token}` },
    });
    const ratio = Math.round((viaCaddy.rps / direct.rps) * 100) / 100;

    const body = Buffer.from(
      await (
        await stack.fetch(stack.url('api', listPath), {
          headers: { authorization: `Bearer ${token}` },
        })
      ).arrayBuffer(),
    );
    console.log(
      `[bench:stack] load: Caddy alone serving the same ${body.length}-byte body (ceiling)`,
    );
    const ceiling = await caddyStaticCeiling(stack, body);

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
        connections: 10,
        via_caddy: viaCaddy,
        via_caddy_published_port: viaPublishedPort,
        direct,
        caddy_to_direct_rps: ratio,
        caddy_static_same_body: { ...ceiling, body_bytes: body.length },
        caddy_static_to_direct_rps: Math.round((ceiling.rps / direct.rps) * 100) / 100,
      },
      targets: TARGETS,
      met: {
        up_to_healthy: upToHealthySeconds <= TARGETS.upToHealthySeconds,
        idle_total: idleTotalMiB <= TARGETS.idleTotalMiB,
        caddy_rps_ratio: ratio >= TARGETS.caddyToDirectRps,
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
