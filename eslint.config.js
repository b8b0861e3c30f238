// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code, and the shared modules bundled with it, run in Temporal's deterministic sandbox:
// no Node built-ins, no I/O libraries, no Temporal client/worker/activity APIs. The built-ins are
// listed from Node itself, so a module Node adds later is banned too.
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));
const sandboxBans = [
  { group: nodeBuiltins.flatMap((name) => [name, `${name}/*`, `node:${name}`, `node:${name}/*`]), message: 'Workflows run in a deterministic sandbox: no Node built-ins.' },
  { group: ['kysely', 'pg', '@electric-sql/*', '@octokit/*', '@aws-sdk/*', 'unzipper', 'fastify', 'fastify/*', '@fastify/*'], message: 'Workflows do no I/O: call an activity.' },
  { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'], message: 'Workflows use @temporalio/workflow (and @temporalio/common) only.' },
];
// A path segment that neither climbs (..) nor stays (.): the relative-import rules below match the
// import as written, so `./../config.js` must not pass for a sibling.
const segment = '/[^/.][^/]*';
// A workflow may import its siblings, the shared modules, and the activities' types (for proxies);
// anything else in the source tree would pull I/O into the bundle.
const workflowImportBans = {
  patterns: [
    ...sandboxBans,
    { group: ['../activities', '../activities/*'], allowTypeImports: true, message: 'Import activities as types only, through ../activities/index.js.' },
    {
      regex: `^\\.(?!${segment}$)(?!\\./shared(?:${segment})+$)(?!\\./activities(?:${segment})*$)`,
      caseSensitive: true,
      message: "Workflows import only ./*, ../shared/** and the activities' types.",
    },
  ],
};
// Shared modules go into the workflow bundle as well, and may import only each other (and types).
const sharedImportBans = {
  patterns: [
    ...sandboxBans,
    // Types are erased before bundling, so a type-only import from elsewhere costs the bundle nothing.
    { regex: `^\\.(?!(?:${segment})+$)`, caseSensitive: true, allowTypeImports: true, message: 'Shared modules are bundled into workflows: import only ./* (types from anywhere).' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', '.tools/', 'coverage/', 'packages/client/src/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The status page's modules run in the browser, as they are: no build step, no Node globals.
    files: ['src/ui/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['document', 'window', 'sessionStorage', 'fetch', 'setTimeout', 'clearTimeout', 'AbortController', 'TextDecoderStream', 'Intl', 'Node', 'CSS'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', workflowImportBans] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', sharedImportBans] },
  },
);
