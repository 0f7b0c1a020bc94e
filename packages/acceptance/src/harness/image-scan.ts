// Lists every file path in every layer of an image (docker save), so that a secret added in
// one layer and deleted in a later one is still found.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const big = { maxBuffer: 256 * 1024 * 1024 };

export async function imageLayerPaths(image: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bot-mox-scan-'));
  try {
    await run('sh', ['-c', `docker save "$1" | tar -x -C "$2"`, 'scan', image, dir], big);
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
      Layers: string[];
    }[];
    const paths: string[] = [];
    for (const layer of manifest[0]?.Layers ?? []) {
      const { stdout } = await run('tar', ['-tf', path.join(dir, layer)], big);
      paths.push(...stdout.split('\n').filter(Boolean));
    }
    return paths;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Paths that must never ship in an image: env files, keys, registry credentials. */
export const FORBIDDEN_PATH =
  /(^|\/)(\.env(\.[\w-]+)?|[\w.-]+\.pem|[\w.-]+\.key|id_rsa|id_ed25519|\.npmrc|\.netrc|\.git-credentials)$/;

/** Public CA certificates (Debian's ca-certificates) are .pem files that belong there. */
const PUBLIC_CA_PATH = /^(etc\/ssl\/certs|usr\/share\/ca-certificates|usr\/lib\/ssl)\//;

export function forbiddenPaths(paths: string[]): string[] {
  return paths.filter((p) => FORBIDDEN_PATH.test(p) && !PUBLIC_CA_PATH.test(p));
}
