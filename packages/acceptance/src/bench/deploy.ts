// pnpm bench:deploy — deploy and rollback on the VPS simulator (DESIGN §11, §12), over SSH as the
// workflows run them: the wall time of scripts/deploy-vps.sh (tag A -> B) and of
// scripts/rollback-vps.sh (B -> A) with the images already on the VPS, and the requests that
// failed under the same steady load through Caddy during our rollout and during a plain
// `docker compose up -d` of the new tag, in the same run. Writes bench-results/deploy.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  rehearsalLoad,
  startDeployRehearsal,
  type DeployRehearsal,
  type ReleaseLine,
} from '../harness/deploy-rehearsal.ts';
import { repoRoot } from '../harness/manifest.ts';
import type { LoadReport } from '../harness/steady-load.ts';
import type { SshResult } from '../harness/vps.ts';
import { REGISTRY_HOST } from '../harness/vps.ts';

const TARGETS = { deploySeconds: 30, rollbackSeconds: 20, failedRequests: 0 };

interface Phase {
  wall_seconds: number;
  exit_code: number;
  /** Seconds per step, from the release log (our scripts only). */
  steps?: Record<string, number>;
  /** The backup step's kind (restore point or dump), from the release log. */
  backup?: ReleaseLine['backup'];
  /** The script's output: each step's lines, with sub-step timings. */
  output?: string[];
  load: Omit<LoadReport, 'failures'> & { failures: string[] };
}

/** Runs `action` under the rehearsal load, with a second of load before and after. */
async function underLoad(r: DeployRehearsal, action: () => Promise<SshResult>): Promise<Phase> {
  const load = await rehearsalLoad(r);
  await sleep(1000);
  const started = performance.now();
  const result = await action();
  const wall = (performance.now() - started) / 1000;
  await sleep(1000);
  const report = await load.stop();
  if (result.exitCode !== 0) console.error(result.stdout, result.stderr);
  return {
    wall_seconds: Math.round(wall * 10) / 10,
    exit_code: result.exitCode,
    load: report,
    output: result.stdout.split('\n').filter(Boolean),
  };
}

async function main() {
  const loadBefore = loadavg();
  const r = await startDeployRehearsal();
  // Ctrl-C stops the simulator too: with Ryuk off, nothing else would remove its containers.
  const interrupted = (signal: NodeJS.Signals) => {
    console.error(`bench:deploy: ${signal}: stopping the VPS simulator`);
    void r.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const first = await r.deploy(r.tags.a);
    if (first.exitCode !== 0)
      throw new Error(`the first deploy failed:\n${first.stdout}${first.stderr}`);
    // The base backup a pre-deploy restore point builds on (else the deploy falls back to a dump).
    const base = await r.baseBackup();
    if (base.exitCode !== 0)
      throw new Error(`ops basebackup failed:\n${base.stdout}${base.stderr}`);
    // "Images present": B's images on the VPS before its deploy is timed (A's are already).
    for (const name of ['backend', 'frontend', 'ops']) {
      const pulled = await r.sim.ssh(
        `docker pull -q ${REGISTRY_HOST}/bot-mox/bot-mox-${name}:${r.tags.b}`,
      );
      if (pulled.exitCode !== 0) throw new Error(`pre-pull failed: ${pulled.stderr}`);
    }

    const deploy = await underLoad(r, () => r.deploy(r.tags.b));
    const rollback = await underLoad(r, () => r.rollback(r.tags.a));
    const releases = await r.releases();
    deploy.steps = releases.at(-2)?.seconds;
    deploy.backup = releases.at(-2)?.backup;
    rollback.steps = releases.at(-1)?.seconds;
    // The naive path: the new tag by a plain `up -d` (compose recreates each service in place).
    const naive = await underLoad(r, () =>
      r.sim.ssh(
        `cd /opt/bot-mox && IMAGE_TAG=${r.tags.b} docker compose --env-file images.env --env-file .env.prod -f compose.stack.yml up -d --wait`,
      ),
    );

    const result = {
      bench: 'deploy',
      date: new Date().toISOString(),
      image_tag: r.tags.a,
      load_average_before: loadBefore.map((x) => Math.round(x * 10) / 10),
      load_average_after: loadavg().map((x) => Math.round(x * 10) / 10),
      deploy,
      rollback,
      naive_compose_up: naive,
      targets: TARGETS,
      met: {
        deploy_seconds: deploy.exit_code === 0 && deploy.wall_seconds <= TARGETS.deploySeconds,
        rollback_seconds:
          rollback.exit_code === 0 && rollback.wall_seconds <= TARGETS.rollbackSeconds,
        failed_requests:
          deploy.load.failed <= TARGETS.failedRequests &&
          rollback.load.failed <= TARGETS.failedRequests,
      },
    };
    const out = path.join(repoRoot, 'bench-results/deploy.json');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    console.log(`wrote ${out}`);
  } finally {
    await r.stop();
  }
}

await main();
