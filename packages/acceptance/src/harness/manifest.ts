// Image names come only from deploy/images.env, with an explicit override layered on top
// (IMAGES_OVERRIDE=deploy/images.airgap.env on machines that reach no registry).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { getContainerRuntimeClient, ImageName } from 'testcontainers';

export const repoRoot = path.resolve(import.meta.dirname, '../../../..');

export type ImageKey =
  | 'NODE_IMAGE'
  | 'DEBIAN_IMAGE'
  | 'CADDY_IMAGE'
  | 'POSTGRES_IMAGE'
  | 'S3_IMAGE'
  | 'GOTRUE_IMAGE'
  | 'POSTGREST_IMAGE'
  | 'STORAGE_API_IMAGE'
  | 'CONTAINER_REGISTRY_IMAGE'
  | 'VPS_SIM_IMAGE'
  | 'RTDB_SERVER_IMAGE'
  | 'NGINX_IMAGE';

function readEnvFile(file: string): Record<string, string> {
  const parsed = parseEnv(readFileSync(file, 'utf8'));
  return Object.fromEntries(
    Object.entries(parsed).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

let announced = false;

/** The manifest, with the override applied when IMAGES_OVERRIDE names one (and said so). */
export function loadManifest(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const manifest = readEnvFile(path.join(repoRoot, 'deploy/images.env'));
  const overrideFile = env.IMAGES_OVERRIDE;
  if (!overrideFile) return manifest;
  const override = readEnvFile(path.resolve(repoRoot, overrideFile));
  if (!announced) {
    announced = true;
    const lines = Object.entries(override).map(([k, v]) => `  ${k}=${v}`);
    console.warn(`[images] override ${overrideFile} replaces:\n${lines.join('\n')}`);
  }
  return { ...manifest, ...override };
}

export function imageName(key: ImageKey, env: NodeJS.ProcessEnv = process.env): string {
  const name = loadManifest(env)[key];
  if (!name) throw new Error(`deploy/images.env has no ${key}`);
  return name;
}

export class MissingImageError extends Error {
  override name = 'MissingImageError';
}

/**
 * Resolves an image from the manifest and fails at once when it is not on this machine:
 * Testcontainers would otherwise try a pull that cannot succeed here.
 */
export async function requireImage(key: ImageKey): Promise<string> {
  const name = imageName(key);
  const client = await getContainerRuntimeClient();
  if (!(await client.image.exists(ImageName.fromString(name)))) {
    // Test-only images (VPS_SIM_IMAGE) have no upstream: always built here.
    const how = process.env.IMAGES_OVERRIDE
      ? 'bash deploy/airgap/build-standins.sh'
      : key === 'VPS_SIM_IMAGE' || key === 'RTDB_SERVER_IMAGE'
        ? `bash deploy/airgap/build-standins.sh ${key === 'VPS_SIM_IMAGE' ? 'vps' : 'rtdb'}`
        : `docker pull ${name}, or set IMAGES_OVERRIDE=deploy/images.airgap.env and run bash deploy/airgap/build-standins.sh`;
    throw new MissingImageError(
      `image ${name} (${key}) is not on this machine; build it with: ${how}`,
    );
  }
  return name;
}
