// The list of Vitest projects. Unit projects need nothing but Node; backend-integration and
// acceptance need a Docker engine and the images named in deploy/images.env.
import { defineProject } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (export condition "@bot-mox/source").
// No "module" condition: packages like @aws-sdk/* list it before "node" and point it at
// bundler-only ESM (extensionless imports) that Node can't load.
const conditions = ['@bot-mox/source', 'node', 'development|production'];
const sourceCondition = { resolve: { conditions }, ssr: { resolve: { conditions } } };

export const unitProjects = [
  defineProject({
    ...sourceCondition,
    test: { name: 'contracts', root: 'packages/contracts', include: ['src/**/*.test.ts'] },
  }),
  defineProject({
    ...sourceCondition,
    test: { name: 'backend', root: 'packages/backend', include: ['src/**/*.test.ts'] },
  }),
  './packages/frontend/vitest.config.ts',
  // The repo's own scripts (scripts/*.test.ts): the workflow lint and its fixtures.
  defineProject({ test: { name: 'scripts', root: '.', include: ['scripts/**/*.test.ts'] } }),
];

export const dockerProjects = [
  defineProject({
    ...sourceCondition,
    test: {
      name: 'backend-integration',
      root: 'packages/acceptance',
      include: ['src/integration/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      fileParallelism: false,
    },
  }),
  defineProject({
    ...sourceCondition,
    test: {
      name: 'acceptance',
      root: 'packages/acceptance',
      include: ['src/stack/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 300_000,
      fileParallelism: false,
    },
  }),
];

export default [...unitProjects, ...dockerProjects];
