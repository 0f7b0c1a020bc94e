// bench:stack's peer proxy does what the comparison with Caddy assumes: TLS with a P-256
// certificate, a keep-alive pool to the upstream, and a JSON access log in a file.
import { Network, type StartedNetwork, type StartedTestContainer, Wait } from 'testcontainers';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nginxPeer } from '../harness/nginx.ts';
import { startNodeUpstream } from '../harness/upstream.ts';

// Answers as `backend:8080` with what it saw of the proxied request.
const upstreamScript = `
require('node:http').createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url, port: req.socket.remotePort,
    connection: req.headers.connection ?? null, host: req.headers.host }));
}).listen(8080);
`;

describe('the nginx peer of bench:stack', () => {
  let network: StartedNetwork;
  let upstream: StartedTestContainer;
  let nginx: StartedTestContainer;

  beforeAll(async () => {
    network = await new Network().start();
    upstream = await startNodeUpstream(network, 'backend', upstreamScript);
    const { container } = await nginxPeer();
    nginx = await container
      .withNetwork(network)
      .withExposedPorts(443)
      .withLabels({ 'org.bot-mox.suite': 'acceptance' })
      .withWaitStrategy(Wait.forListeningPorts())
      .start();
  });

  afterAll(async () => {
    await Promise.allSettled([nginx?.stop(), upstream?.stop()]);
    await network?.stop();
  });

  it('proxies over a keep-alive pool, drops Connection, and logs each request as JSON', async () => {
    // One client connection (undici's Client), so one nginx worker: with keep-alive upstream,
    // one upstream connection too (without it, nginx sends Connection: close, so one per request).
    const client = new Client(`https://127.0.0.1:${nginx.getMappedPort(443)}`, {
      connect: { rejectUnauthorized: false, servername: 'api.localhost' },
    });
    const seen: { path: string; port: number; connection: string | null; host: string }[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const res = await client.request({
          method: 'GET',
          path: `/api/v1/bots?limit=50&i=${i}`,
          headers: { host: 'api.localhost' },
        });
        expect(res.statusCode).toBe(200);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        seen.push((await res.body.json()) as (typeof seen)[number]);
      }
    } finally {
      await client.close();
    }
    expect(seen.map((s) => s.path)).toEqual([0, 1, 2].map((i) => `/api/v1/bots?limit=50&i=${i}`));
    expect(seen.map((s) => [s.connection, s.host])).toEqual(
      seen.map(() => [null, 'api.localhost']),
    );
    expect(new Set(seen.map((s) => s.port)).size).toBe(1);

    // The access log is a file, as the stack's Caddy writes its own (not Docker's log pipe).
    const { output: stdout, exitCode } = await nginx.exec(['cat', '/tmp/access.log']);
    expect(exitCode, stdout).toBe(0);
    const logged = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { uri: string; status: number; tls: string });
    expect(logged.map((l) => [l.uri, l.status])).toEqual(seen.map((s) => [s.path, 200]));
    expect(logged[0]?.tls).toBe('TLSv1.3/TLS_AES_128_GCM_SHA256');
  });
});
