import { existsSync } from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { allSearchAttributes } from '../../src/shared/search-attributes.js';
import { streamingTaskQueue } from '../../src/shared/task-queue.js';
import { inject } from 'vitest';
import { installQuietRuntime } from './sync-harness.js';
import { uniqueName } from './test-stack.js';

const launcher = path.resolve(import.meta.dirname, '../../.tools/temporal-test-server/bin/temporal-test-server');

/**
 * Temporal's time-skipping test server (installed by `scripts/ensure-tools.sh test-server`):
 * timers and retry backoffs complete as soon as nothing else can happen, so orchestration is
 * tested at its real intervals — minutes of backoff, hours of linger — in a moment.
 */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  if (!existsSync(launcher)) throw new Error(`${launcher} is missing: run bash scripts/ensure-tools.sh test-server`);
  installQuietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: launcher } } });
  // The workflows upsert reposync's search attributes; a server refuses attributes it does not know.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(allSearchAttributes.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return env;
}

/** The workers of one test: the workflows' own task queue and its streaming queue, run together. */
export interface StubWorkers {
  run(): Promise<void>;
  runUntil<T>(until: Promise<T>): Promise<T>;
  shutdown(): void;
}

/**
 * Workers on the test server running the real workflow bundle with the activities given: the
 * workflows are the code under test, the activities are the stand-ins that script what the
 * outside world does. As in production, long activities go to the streaming task queue, so a
 * second worker serves that queue with the same stand-ins.
 */
export async function createStubWorker(env: TestWorkflowEnvironment, activities: WorkerOptions['activities']): Promise<{ worker: StubWorkers; taskQueue: string }> {
  const taskQueue = uniqueName('time-skipping');
  const common = { connection: env.nativeConnection, namespace: env.namespace ?? 'default', activities };
  const main = await Worker.create({ ...common, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') } });
  const streaming = await Worker.create({ ...common, taskQueue: streamingTaskQueue(taskQueue) });
  const worker: StubWorkers = {
    run: async () => {
      await Promise.all([main.run(), streaming.run()]);
    },
    runUntil: async (until) => {
      const [result] = await Promise.all([main.runUntil(until), streaming.runUntil(until.catch(() => undefined))]);
      return result;
    },
    shutdown: () => {
      main.shutdown();
      streaming.shutdown();
    },
  };
  return { worker, taskQueue };
}
