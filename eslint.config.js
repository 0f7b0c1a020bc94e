// One lint setup for the whole workspace (flat config).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/coverage/**', 'playwright-report/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // TypeScript checks names; for the few .mjs scripts Node's globals are a given.
      'no-undef': 'off',
    },
  },
  // The legacy RTDB code is deleted after cutover (issue 15, phase 6): it lives in one folder,
  // and only the files listed in `ignores` below may import it, so that deleting them and the
  // folder leaves everything else compiling (packages/backend/src/legacy/rtdb/README.md).
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: [
      'packages/backend/src/legacy/rtdb/**',
      'packages/backend/src/cli/index.ts',
      'packages/backend/src/domains/index.ts',
      'packages/acceptance/src/**/*rtdb*',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/legacy/rtdb/**', '@bot-mox/backend/legacy-rtdb'],
              message:
                'RTDB code is imported only where its README allows (removable after cutover).',
            },
            {
              group: ['firebase-admin', 'firebase-admin/*', 'firebase', 'firebase/*'],
              message: 'The Firebase SDK belongs to packages/backend/src/legacy/rtdb only.',
            },
          ],
        },
      ],
    },
  },
);
