// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node built-ins, no clients.
const workflowSandboxBans = {
  patterns: [
    { group: ['node:*'], message: 'Workflows run in a deterministic sandbox: no Node built-ins.' },
    { group: ['fs', 'path', 'crypto', 'http', 'https', 'net', 'os', 'child_process', 'stream'], message: 'Workflows run in a deterministic sandbox: no Node built-ins.' },
    { group: ['kysely', 'pg', '@electric-sql/*', '@octokit/*', '@aws-sdk/*', 'unzipper', 'fastify'], message: 'Workflows do no I/O: call an activity.' },
    { group: ['../activities/*', '!../activities/index.js'], message: 'Import activities as types only, through ../activities/index.js.' },
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
    rules: { 'no-restricted-imports': ['error', workflowSandboxBans] },
  },
);
