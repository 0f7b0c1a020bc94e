// The S3 server from the manifest (minio/minio, or the Ceph RGW stand-in: DESIGN §9), with
// random keys, ready once its healthcheck says it serves.
import { randomBytes } from 'node:crypto';
import {
  GenericContainer,
  type StartedNetwork,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { requireImage } from './manifest.ts';

export const S3_PORT = 9000;

export interface StartedS3 {
  container: StartedTestContainer;
  /** From the host: http://127.0.0.1:<mapped port> (read it again after a restart). */
  readonly endpoint: string;
  /** From other containers on the network: http://<alias>:9000 (when started on one). */
  networkEndpoint: string | undefined;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  stop(): Promise<void>;
}

export interface StartS3Options {
  network?: StartedNetwork;
  /** Network alias (default `minio`, the compose service's name). */
  alias?: string;
}

export async function startS3(options: StartS3Options = {}): Promise<StartedS3> {
  const image = await requireImage('S3_IMAGE');
  const accessKeyId = `AK${randomBytes(9).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const alias = options.alias ?? 'minio';
  let builder = new GenericContainer(image)
    // MinIO's names: the stand-in takes them too.
    .withEnvironment({ MINIO_ROOT_USER: accessKeyId, MINIO_ROOT_PASSWORD: secretAccessKey })
    .withCommand(['server', '/data', '--address', `:${S3_PORT}`])
    .withExposedPorts(S3_PORT)
    .withLabels({ 'org.bot-mox.suite': 'acceptance' })
    .withWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(120_000);
  if (options.network) builder = builder.withNetwork(options.network).withNetworkAliases(alias);
  const container = await builder.start();
  return {
    container,
    // A restart may map another host port: always the current one.
    get endpoint() {
      return `http://127.0.0.1:${container.getMappedPort(S3_PORT)}`;
    },
    networkEndpoint: options.network ? `http://${alias}:${S3_PORT}` : undefined,
    accessKeyId,
    secretAccessKey,
    region: 'us-east-1',
    stop: async () => {
      await container.stop();
    },
  };
}
