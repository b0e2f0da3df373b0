import nx from '@nx/eslint-plugin';
// Last in the list: Prettier owns the layout, ESLint the meaning.
import prettier from 'eslint-config-prettier/flat';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/cdktf.out', '**/.nx', '**/coverage', '**/.local'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          // Apps are bundled by esbuild; only the client builds on its own, and only its tests use other libraries.
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Apps are shells around the libraries; no app imports another app.
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:domain', 'type:adapters', 'type:platform', 'type:testing', 'type:catalog'],
            },
            // The catalog gathers the built-in and the teams' job types.
            { sourceTag: 'type:catalog', onlyDependOnLibsWithTags: ['type:domain', 'type:jobs'] },
            // A team's job types use the domain only: never another team's library.
            { sourceTag: 'type:jobs', onlyDependOnLibsWithTags: ['type:domain'] },
            // Adapters implement the domain's ports.
            { sourceTag: 'type:adapters', onlyDependOnLibsWithTags: ['type:domain', 'type:platform', 'type:testing'] },
            // The domain depends on nothing of ours but itself.
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:adapters', 'type:platform', 'type:testing'] },
            // Workspace tools (the local runtime, service starters) run the apps' bundles, never import the apps.
            // Infra builds from the apps' bundles (files), the settings and names, and the request schemas;
            // its rehearsal starts moto with the workspace's service starters.
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:platform', 'type:tooling', 'type:catalog'] },
            {
              sourceTag: 'type:tooling',
              onlyDependOnLibsWithTags: [
                'type:domain',
                'type:adapters',
                'type:platform',
                'type:tooling',
                'type:testing',
                'type:client',
                'type:catalog',
              ],
            },
            // The client is published on its own: it depends on no workspace library (tests use the local services).
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:client', 'type:tooling'] },
          ],
        },
      ],
    },
  },
  {
    // The client's build-time scripts (its type generator and their tests) read the domain's schemas;
    // what it ships, src/, still imports no workspace library.
    files: ['libs/client/scripts/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [{ sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:client', 'type:tooling', 'type:domain'] }],
        },
      ],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      // The domain knows nothing of AWS or logging (conventions.md).
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@aws-sdk/*', 'pino', 'pino-*', 'aws-lambda'], message: 'The domain must not depend on AWS or logging.' }] },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/tests/**/*.ts', '**/e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
];
