// The foundation's proof: images resolve only from the manifest, Postgres takes the Supabase
// migrations, and Caddy reverse-proxies to a container on the same network.
import { readdir } from 'node:fs/promises';
import pg from 'pg';
import { Network, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCaddy } from '../harness/caddy.ts';
import { imageName, MissingImageError, requireImage } from '../harness/manifest.ts';
import { migrationsDir, startPostgres, type StartedPostgres } from '../harness/postgres.ts';
import { startNodeUpstream } from '../harness/upstream.ts';

// A one-file upstream on the manifest's Node image: answers with its own name and the path.
const upstreamScript = `
require('node:http').createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ upstream: 'echo', path: req.url, node: process.version }));
}).listen(8080);
`;

describe('foundation: manifest images, migrations, Caddy in front of an upstream', () => {
  let network: StartedNetwork;
  let db: StartedPostgres;
  let upstream: StartedTestContainer;
  let caddy: StartedTestContainer;

  beforeAll(async () => {
    network = await new Network().start();
    [db, upstream] = await Promise.all([
      startPostgres({ network }),
      startNodeUpstream(network, 'echo', upstreamScript),
    ]);
    caddy = await startCaddy(network, ':80 {\n\treverse_proxy echo:8080\n}\n');
  });

  afterAll(async () => {
    await Promise.allSettled([caddy?.stop(), upstream?.stop(), db?.stop()]);
    await network?.stop();
  });

  it('records every supabase/migrations file in the Supabase CLI table', async () => {
    const files = (await readdir(migrationsDir)).filter((f) => f.endsWith('.sql'));
    expect(files.length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; name: string }>(
        'select version, name from supabase_migrations.schema_migrations order by version',
      );
      expect(rows.map((r) => `${r.version}_${r.name}.sql`)).toEqual(files.sort());
    } finally {
      await client.end();
    }
  });

  it('runs migrations as a non-superuser postgres that holds the Supabase API roles', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ rolsuper: boolean; member_of: string[] }>(`
        select r.rolsuper,
               array(select b.rolname::text from pg_auth_members m join pg_roles b on b.oid = m.roleid
                     where m.member = r.oid order by 1) as member_of
        from pg_roles r where r.rolname = current_user`);
      expect(rows[0]?.rolsuper).toBe(false);
      expect(rows[0]?.member_of).toEqual(
        expect.arrayContaining(['anon', 'authenticated', 'service_role']),
      );
      const claims = JSON.stringify({
        sub: '6f1d1d2e-9a4b-4c1e-8d7a-3c2b1a0f9e8d',
        role: 'authenticated',
      });
      await client.query(`select set_config('request.jwt.claims', $1, false)`, [claims]);
      const auth = await client.query<{ uid: string; role: string; jwt_role: string }>(
        `select auth.uid() as uid, auth.role() as role, auth.jwt() ->> 'role' as jwt_role`,
      );
      expect(auth.rows[0]).toEqual({
        uid: '6f1d1d2e-9a4b-4c1e-8d7a-3c2b1a0f9e8d',
        role: 'authenticated',
        jwt_role: 'authenticated',
      });
    } finally {
      await client.end();
    }
  });

  it('answers through Caddy on its published port with the upstream response', async () => {
    const res = await fetch(`http://127.0.0.1:${caddy.getMappedPort(80)}/api/v1/ping?x=1`);
    expect(res.status).toBe(200);
    // Caddy 2.11 names itself on a proxied response in Via (2.6 did in Server).
    expect(res.headers.get('via')).toMatch(/^1\.1 Caddy$/);
    const body = (await res.json()) as { upstream: string; path: string; node: string };
    expect(body).toMatchObject({ upstream: 'echo', path: '/api/v1/ping?x=1' });
    expect(body.node).toMatch(/^v24\./);
  });

  it('fails at once, naming the image and how to build it, when a manifest image is missing', async () => {
    const saved = process.env.IMAGES_OVERRIDE;
    process.env.IMAGES_OVERRIDE = 'packages/acceptance/src/harness/testdata/missing-images.env';
    try {
      const started = Date.now();
      const error = await requireImage('CADDY_IMAGE').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingImageError);
      expect((error as Error).message).toContain(imageName('CADDY_IMAGE'));
      expect((error as Error).message).toContain('build-standins.sh');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      process.env.IMAGES_OVERRIDE = saved;
    }
  });
});
