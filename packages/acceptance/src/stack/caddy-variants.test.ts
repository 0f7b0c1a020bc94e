// bench:stack's Caddyfile variants (src/bench/caddy-variants.ts) apply to the deployed Caddyfile,
// are valid for the stack's Caddy, and take out what each names: a variant that silently kept
// the part it claims to remove would measure nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { caddyfileVariants } from '../bench/caddy-variants.ts';
import { repoRoot, requireImage } from '../harness/manifest.ts';

const run = promisify(execFile);

/** The JSON config Caddy makes of each Caddyfile (`caddy adapt`, one container for all). */
async function adapt(caddyfiles: Record<string, string>): Promise<Record<string, string>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'caddy-variants-'));
  try {
    const names = Object.keys(caddyfiles);
    await Promise.all(names.map((name) => writeFile(path.join(dir, name), caddyfiles[name]!)));
    const script = names
      .map((name) => `caddy adapt --config /v/${name} --adapter caddyfile > /v/${name}.json`)
      .join(' && ');
    await run('docker', [
      'run',
      '--rm',
      '-v',
      `${dir}:/v`,
      ...['-e', 'STACK_DOMAIN=localhost', '-e', 'CADDY_TLS=internal', '-e', 'CADDY_HSTS=off'],
      ...['-e', 'BODY_LIMIT_BYTES=1048576'],
      await requireImage('CADDY_IMAGE'),
      'sh',
      '-c',
      script,
    ]);
    return Object.fromEntries(
      await Promise.all(
        names.map(async (name) => [name, await readFile(path.join(dir, `${name}.json`), 'utf8')]),
      ),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('bench:stack Caddyfile variants', () => {
  it('are valid for Caddy and each takes out what it names', async () => {
    const deployed = await readFile(path.join(repoRoot, 'deploy/caddy/Caddyfile'), 'utf8');
    const json = await adapt(caddyfileVariants(deployed));
    const count = (name: string, what: string) => json[name]!.split(what).length - 1;
    const parts = {
      expression: 'int({http.request.header.Content-Length})',
      encode: '"handler":"encode"',
      // Only in the api site's own header block (the preflight answer has its own).
      cors: 'Access-Control-Expose-Headers',
      // Every site's security headers (the error routes keep theirs).
      nosniff: 'X-Content-Type-Options',
      accessLog: '/logs/access.log',
      headerFilter: '"request\\u003eheaders":{"filter":"delete"}',
    };
    const fewer = (variant: string, part: keyof typeof parts) =>
      expect(count(variant, parts[part]), `${variant} ${part}`).toBeLessThan(
        count('as_deployed', parts[part]),
      );
    for (const part of ['expression', 'encode', 'cors', 'nosniff', 'accessLog'] as const) {
      fewer('none_of_these', part);
    }
    fewer('no_body_limit_expression', 'expression');
    fewer('no_encode_on_api', 'encode');
    fewer('no_header_blocks', 'cors');
    fewer('no_header_blocks', 'nosniff');
    expect(count('no_access_log', parts.accessLog)).toBe(0);
    expect(count('access_log_lean', parts.headerFilter)).toBeGreaterThan(0);
    expect(count('as_deployed', parts.headerFilter)).toBe(0);
  }, 60_000);
});
