// A one-file HTTP server on the manifest's Node image, reachable on `network` as `alias`:8080:
// an upstream for a proxy under test.
import {
  GenericContainer,
  type StartedNetwork,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { requireImage } from './manifest.ts';

export async function startNodeUpstream(
  network: StartedNetwork,
  alias: string,
  script: string,
): Promise<StartedTestContainer> {
  return new GenericContainer(await requireImage('NODE_IMAGE'))
    .withNetwork(network)
    .withNetworkAliases(alias)
    .withCommand(['node', '-e', script])
    .withExposedPorts(8080)
    .withLabels({ 'org.bot-mox.suite': 'acceptance' })
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
}
