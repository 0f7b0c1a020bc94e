// @vitest-environment node
// The production build's start-up shape (issue 11 item 6): the entry chunk builds no zod schema
// of the contracts, each contracts module that builds schemas is a chunk of its own that the
// entry imports dynamically (main.tsx evaluates one per task, src/startup.ts), and index.html
// preloads every chunk of those steps so they are not fetched one after another.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const contractsSrc = join(pkgDir, '../contracts/src');

const isContractsModule = (id: string) => id.startsWith(contractsSrc);
/** A contracts module that needs zod at run time (not `import type`): one that builds schemas. */
const buildsSchemas = (id: string) =>
  /^import \{[^}]*\bz\b[^}]*\} from 'zod'/m.test(readFileSync(id, 'utf8'));
const name = (id: string) => relative(contractsSrc, id);

let chunks: Rolldown.OutputChunk[];
let html: string;

beforeAll(async () => {
  const output = (await build({
    root: pkgDir,
    configFile: join(pkgDir, 'vite.config.ts'),
    logLevel: 'silent',
    build: { write: false, sourcemap: false },
  })) as Rolldown.RolldownOutput;
  chunks = output.output.filter((o): o is Rolldown.OutputChunk => o.type === 'chunk');
  const page = output.output.find((o) => o.fileName === 'index.html');
  html = page?.type === 'asset' ? String(page.source) : '';
}, 180_000);

const chunk = (fileName: string) => chunks.find((c) => c.fileName === fileName)!;

/** The chunk and everything it imports statically: what is evaluated with it, in one task. */
function staticClosure(fileName: string, seen = new Set<string>()): Set<string> {
  if (seen.has(fileName)) return seen;
  seen.add(fileName);
  for (const dep of chunk(fileName).imports) staticClosure(dep, seen);
  return seen;
}

describe('start-up chunks of the production build', () => {
  it('the entry and what it imports statically hold no contracts module', () => {
    const entry = chunks.find((c) => c.isEntry)!;
    const inEntryTask = [...staticClosure(entry.fileName)].flatMap((f) =>
      chunk(f).moduleIds.filter(isContractsModule).map(name),
    );
    expect(inEntryTask).toEqual([]);
  });

  it('each contracts module that builds schemas is a chunk of its own, imported by the entry', () => {
    const entry = chunks.find((c) => c.isEntry)!;
    const schemaModules = [
      ...new Set(chunks.flatMap((c) => c.moduleIds.filter(isContractsModule))),
    ].filter(buildsSchemas);
    expect(schemaModules.map(name)).toContain('bots.ts');
    for (const id of schemaModules) {
      const home = chunks.find((c) => c.moduleIds.includes(id))!;
      expect(home.moduleIds.filter(isContractsModule).map(name), home.fileName).toEqual([name(id)]);
      expect(entry.dynamicImports, `${name(id)} is a step of main.tsx`).toContain(home.fileName);
    }
  });

  it("index.html preloads every chunk of the entry's steps, and no lazy page", () => {
    const entry = chunks.find((c) => c.isEntry)!;
    const preloaded = [...html.matchAll(/<link rel="modulepreload"[^>]* href="\/([^"]+)"/g)].map(
      (m) => m[1],
    );
    // What the entry's own script tag already loads (the entry and its static imports) aside.
    const steps = new Set<string>(staticClosure(entry.fileName));
    const loadedWithEntry = steps.size;
    for (const file of entry.dynamicImports) staticClosure(file, steps);
    const stepChunks = [...steps].slice(loadedWithEntry);
    expect(stepChunks.length).toBeGreaterThan(10);
    for (const file of stepChunks) expect(preloaded, file).toContain(file);
    const pages = chunks.filter((c) => c.isDynamicEntry && /Page$/.test(c.name));
    expect(pages.length).toBeGreaterThan(3);
    for (const page of pages) expect(preloaded).not.toContain(page.fileName);
  });
});
