// Caddy from the manifest, with a Caddyfile given as text.
import {
  GenericContainer,
  type StartedNetwork,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { requireImage } from './manifest.ts';

export async function startCaddy(
  network: StartedNetwork,
  caddyfile: string,
  ports: number[] = [80],
): Promise<StartedTestContainer> {
  const image = await requireImage('CADDY_IMAGE');
  return new GenericContainer(image)
    .withNetwork(network)
    .withExposedPorts(...ports)
    .withCopyContentToContainer([{ content: caddyfile, target: '/etc/caddy/Caddyfile' }])
    .withLabels({ 'org.bot-mox.suite': 'acceptance' })
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
}
