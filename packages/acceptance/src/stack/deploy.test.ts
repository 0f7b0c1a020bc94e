// Deploy and rollback rehearsed on the VPS simulator (issue 13, DESIGN §11, §12, §14), over SSH
// as the deploy workflows do it: scripts/deploy-vps.sh and scripts/rollback-vps.sh on a VPS
// bootstrapped by scripts/vps-bootstrap.sh, images pulled from the registry only. One VPS for
// the whole file; the cases run in order, each starting from the release the previous left.
import { endpoints } from '@bot-mox/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  B_MIGRATION,
  rehearsalLoad,
  startDeployRehearsal,
  type DeployRehearsal,
  type ReleaseLine,
} from '../harness/deploy-rehearsal.ts';
import { REGISTRY_HOST } from '../harness/vps.ts';

describe('deploy and rollback on the VPS simulator', { timeout: 900_000 }, () => {
  let r: DeployRehearsal;
  /** The release log's length before a case, to read only that case's lines. */
  let logged = 0;
  const newLines = async (): Promise<ReleaseLine[]> => {
    const lines = await r.releases();
    const fresh = lines.slice(logged);
    logged = lines.length;
    return fresh;
  };
  /** The live state a failed attempt must not touch: env tag and container ids. */
  const liveState = async () => {
    const env = await r.sim.ssh('grep ^IMAGE_TAG= /opt/bot-mox/.env.prod');
    // The long-running services only: the one-shots come and go.
    const ids = await r.sim.ssh(
      "docker ps --filter label=com.docker.compose.project=bot-mox --format '{{.ID}} {{.Names}} {{.Image}}' | grep -Ev 'migrate|storage-init|backup-init' | sort",
    );
    return { env: env.stdout.trim(), containers: ids.stdout.trim() };
  };

  beforeAll(async () => {
    r = await startDeployRehearsal();
  }, 900_000);

  afterAll(async () => {
    await r?.stop();
  });

  it('deploys tag A on a fresh VPS, printing each step', async () => {
    const result = await r.deploy(r.tags.a);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    for (const step of ['lock', 'pull', 'backup', 'migrate', 'rollout', 'caddy', 'ops', 'smoke'])
      expect(result.stdout).toContain(`[deploy] == ${step}`);
    expect(result.stdout).toContain('no live database yet: nothing to back up');
    expect(await r.liveTag()).toBe(r.tags.a);
    const [line] = await newLines();
    expect(line).toMatchObject({ kind: 'deploy', tag: r.tags.a, previous_tag: '', result: 'ok' });
    expect(line!.actor).toBe('acceptance-suite');
    expect(Object.keys(line!.seconds)).toEqual(
      expect.arrayContaining(['pull', 'migrate', 'smoke']),
    );
    expect(line!.digests.backend).toMatch(/^sha256:[0-9a-f]{64}$/);
    // What an operator does after the first deploy: the base backup that the next deploys'
    // restore points build on.
    const base = await r.baseBackup();
    expect(base.exitCode, base.stdout + base.stderr).toBe(0);
  });

  it('fails a tag that is not in the registry at pull, and changes nothing', async () => {
    const before = await liveState();
    const result = await r.deploy(r.tags.missing);
    expect(result.exitCode).toBe(1);
    expect(result.stderr + result.stdout).toMatch(/cannot pull every image/);
    expect(result.stdout).not.toContain('[deploy] == backup');
    expect(await liveState()).toEqual(before);
    expect(await newLines()).toMatchObject([
      { tag: r.tags.missing, result: 'failed', failed_step: 'pull' },
    ]);
  });

  it('plans a deploy without changing anything: images, pending migrations, env keys', async () => {
    const before = await liveState();
    const plan = await r.deploy('--plan', r.tags.b);
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(
      new RegExp(`image .*/bot-mox-backend:${r.tags.b}: (present|pulled)`),
    );
    expect(plan.stdout).toContain(`migrations: would apply ${B_MIGRATION}`);
    expect(plan.stdout).toContain('env keys missing: none');
    const missing = await r.deploy('--plan', r.tags.missing);
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toMatch(/bot-mox-backend:\S+: MISSING/);
    expect(await liveState()).toEqual(before);
    expect(await newLines()).toEqual([]);
  });

  it('stops at a failing migration and leaves A serving, untouched', async () => {
    const before = await liveState();
    const result = await r.deploy(r.tags.badMigration);
    expect(result.exitCode).toBe(1);
    // A restore point, not a dump: streaming is healthy and the base backup older.
    expect(result.stdout).toMatch(
      new RegExp(
        `pre-deploy restore point: pre-deploy-${r.tags.badMigration.slice(0, 29)}-\\S+ at [0-9A-F]+/[0-9A-F]+`,
      ),
    );
    expect(result.stdout).not.toContain('pre-deploy dump:');
    expect(result.stdout).toMatch(/no_such_table/);
    expect(result.stdout).not.toContain('[deploy] == rollout');
    expect(await r.liveTag()).toBe(r.tags.a);
    expect(await liveState()).toEqual(before);
    expect(await newLines()).toMatchObject([
      {
        tag: r.tags.badMigration,
        previous_tag: r.tags.a,
        result: 'failed',
        failed_step: 'migrate',
        backup: { kind: 'restore_point' },
      },
    ]);
  });

  it('rolls back to A by itself when the new backend fails its smoke', async () => {
    const result = await r.deploy(r.tags.badSmoke);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`[deploy] == rollback to ${r.tags.a}`);
    expect(await r.liveTag()).toBe(r.tags.a);
    expect((await liveState()).env).toBe(`IMAGE_TAG=${r.tags.a}`);
    expect(await newLines()).toMatchObject([
      { tag: r.tags.badSmoke, previous_tag: r.tags.a, result: 'rolled_back', failed_step: 'smoke' },
    ]);
  });

  it('deploys B under a steady GET and POST load with 0 failed requests; a concurrent deploy is refused by the lock', async () => {
    const load = await rehearsalLoad(r);
    const first = r.deploy(r.tags.b);
    // The second deploy starts once the first holds the lock.
    let second;
    for (let i = 0; i < 300 && !second; i++) {
      if ((await r.sim.ssh('test -s /opt/bot-mox/deploy.lock.json')).exitCode === 0)
        second = await r.deploy(r.tags.a);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const deployed = await first;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const report = await load.stop();
    console.log(`[deploy] load during the deploy of B: ${JSON.stringify(report)}`);

    expect(deployed.exitCode, deployed.stdout + deployed.stderr).toBe(0);
    expect(second?.exitCode).toBe(1);
    expect(second?.stderr).toMatch(
      /another deploy holds the lock: \{"actor":"acceptance-suite","pid":\d+,"since":"[0-9T:-]+Z","kind":"deploy","tag":"[^"]+-b[0-9a-f]+"/,
    );
    expect(report.failed, report.failures.join('\n')).toBe(0);
    for (const kind of Object.values(report.byKind)) expect(kind.requests).toBeGreaterThan(20);
    expect(await r.liveTag()).toBe(r.tags.b);
    const lines = await newLines();
    expect(lines.map((l) => [l.tag, l.result])).toEqual(
      expect.arrayContaining([
        [r.tags.a, 'refused'],
        [r.tags.b, 'ok'],
      ]),
    );
    const deployedB = lines.find((l) => l.tag === r.tags.b)!;
    console.log(`[deploy] B's steps (s): ${JSON.stringify(deployedB.seconds)}`);
    // B migrates: its backup step took a restore point, recorded in ops.runs under its name.
    const point = deployedB.backup;
    expect(point).toMatchObject({ kind: 'restore_point', lsn: expect.stringMatching(/\//) });
    expect(point.name).toMatch(new RegExp(`^pre-deploy-${r.tags.b.slice(0, 29)}-`));
    const recorded = await r.compose(
      `exec -T db psql -h 127.0.0.1 -U postgres -tAc "select details->>'lsn' from ops.runs where kind = 'wal' and ok and details->>'restore_point' = '${point.name}'"`,
    );
    expect(recorded.stdout.trim()).toBe(point.lsn);
  });

  it('rolls back by hand to A after B migrated, and A works on B schema', async () => {
    // A's images stayed on the VPS: the rollback pulls nothing.
    const kept = await r.sim.ssh(
      `docker image inspect -f ok ${REGISTRY_HOST}/bot-mox/bot-mox-backend:${r.tags.a}`,
    );
    expect(kept.stdout.trim()).toBe('ok');
    const result = await r.rollback();
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`rollback to the previous release: ${r.tags.a}`);
    expect(await r.liveTag()).toBe(r.tags.a);
    const schema = await r.compose(
      `exec -T db psql -h 127.0.0.1 -U postgres -tAc "select count(*) from supabase_migrations.schema_migrations where version = '${B_MIGRATION.split('_')[0]}'"`,
    );
    expect(schema.stdout.trim()).toBe('1');
    // A, rolled back onto B's schema, still writes and reads.
    const api = r.api(await r.mintToken());
    const created = await api.call(endpoints.createBots, {
      body: { name: 'after-rollback', project: 'wow_tbc' },
    });
    expect(created.name).toBe('after-rollback');
    expect(await api.call(endpoints.getBots, { params: { id: created.id } })).toEqual(created);
    const list = await api.call(endpoints.listBots, { query: { limit: 5 } });
    expect(list.items.length).toBeGreaterThan(0);
    expect(await newLines()).toMatchObject([
      { kind: 'rollback', tag: r.tags.a, previous_tag: r.tags.b, result: 'ok' },
    ]);
  });

  it('keeps every attempt in the release log, and a plain docker compose up -d changes nothing', async () => {
    const lines = await r.releases();
    expect(lines.map((l) => `${l.kind} ${l.tag} ${l.result}`)).toEqual([
      `deploy ${r.tags.a} ok`,
      `deploy ${r.tags.missing} failed`,
      `deploy ${r.tags.badMigration} failed`,
      `deploy ${r.tags.badSmoke} rolled_back`,
      `deploy ${r.tags.a} refused`,
      `deploy ${r.tags.b} ok`,
      `rollback ${r.tags.a} ok`,
    ]);
    const before = await liveState();
    // The one-shots (migrate, storage-init, backup-init) run again as no-ops; nothing else moves.
    const up = await r.compose('up -d');
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stderr).not.toMatch(/Recreat/);
    expect(await liveState()).toEqual(before);
  });
});
