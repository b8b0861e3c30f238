import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

// The workflow sandbox is enforced by lint: these tests lint scratch files placed where workflow
// and shared code live, and check that every forbidden import is refused and every allowed one is not.
const root = join(import.meta.dirname, '../..');
const scratchFiles: string[] = [];

async function lintScratch(folder: 'src/workflows' | 'src/shared', lines: string[]): Promise<Map<number, string>> {
  const path = join(root, folder, `zz-lint-scratch-${randomUUID()}.ts`);
  scratchFiles.push(path);
  await writeFile(path, `${lines.join('\n')}\n`);
  const [result] = await new ESLint({ cwd: root }).lintFiles([path]);
  const refusals = new Map<number, string>();
  for (const message of result!.messages) {
    if (message.ruleId === '@typescript-eslint/no-restricted-imports') refusals.set(message.line, message.message);
  }
  return refusals;
}

afterAll(async () => {
  await Promise.all(scratchFiles.map((path) => rm(path, { force: true })));
});

describe('the workflow sandbox lint rule', () => {
  it('refuses built-ins, I/O libraries, Temporal client APIs, value imports of activities and imports from outside', async () => {
    const refusals = await lintScratch('src/workflows', [
      "import { readFileSync } from 'fs';",
      "import { createHash } from 'node:crypto';",
      "import { Worker } from 'node:worker_threads';",
      "import { Client } from '@temporalio/client';",
      "import { Context } from '@temporalio/activity';",
      "import { Kysely } from 'kysely';",
      "import { createActivities } from '../activities/index.js';",
      "import { loadConfig } from '../config.js';",
      "import { x } from '../../test/support/x.js';",
      "import { y } from './../config.js';",
      "import { z } from '../shared/../config.js';",
      "import { parent } from '..';",
      'export const all = [readFileSync, createHash, Worker, Client, Context, Kysely, createActivities, loadConfig, x, y, z, parent];',
    ]);
    expect([...refusals.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(refusals.get(1)).toContain('no Node built-ins');
    expect(refusals.get(3)).toContain('no Node built-ins');
    expect(refusals.get(4)).toContain('@temporalio/workflow');
    expect(refusals.get(6)).toContain('call an activity');
    expect(refusals.get(7)).toContain('as types only');
    expect(refusals.get(8)).toContain('Workflows import only');
    expect(refusals.get(9)).toContain('Workflows import only');
    // A path written to start like a sibling's or a shared module's still leaves them.
    for (const line of [10, 11, 12]) expect(refusals.get(line)).toContain('Workflows import only');
  });

  it('lets a workflow import its siblings, the shared modules, @temporalio/workflow and the activities as types', async () => {
    const refusals = await lintScratch('src/workflows', [
      "import type { createActivities } from '../activities/index.js';",
      "import { proxyActivities } from '@temporalio/workflow';",
      "import { ApplicationFailure } from '@temporalio/common';",
      "import { NON_RETRYABLE_ERROR_CODES } from '../shared/error-codes.js';",
      "import { nested } from '../shared/nested/module.js';",
      "import { describeFailure } from './describe-failure.js';",
      'export const all = [proxyActivities, ApplicationFailure, NON_RETRYABLE_ERROR_CODES, nested, describeFailure] as unknown as ReturnType<typeof createActivities>;',
    ]);
    expect([...refusals.entries()]).toEqual([]);
  });

  it('refuses shared modules any value from outside src/shared, since they are bundled into workflows, and allows types', async () => {
    const refusals = await lintScratch('src/shared', [
      "import { join } from 'path';",
      "import { loadConfig } from '../config.js';",
      "import { Client } from '@temporalio/client';",
      "import { NON_RETRYABLE_ERROR_CODES } from './error-codes.js';",
      "import type { Project } from '../db/repositories/projects.js';",
      "import { loadConfig as viaSibling } from './../config.js';",
      'export const all = [join, loadConfig, Client, NON_RETRYABLE_ERROR_CODES, viaSibling] as unknown as Project[];',
    ]);
    expect([...refusals.keys()]).toEqual([1, 2, 3, 6]);
    expect(refusals.get(2)).toContain('import only ./*');
    expect(refusals.get(6)).toContain('import only ./*');
  });
});
