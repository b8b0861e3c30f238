import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStubWorker, startTimeSkipping, type StubWorkers } from '../support/time-skipping.js';

/**
 * InitialSync cancelled from outside, on the time-skipping server: the import never finishes by
 * itself, as a hung socket would, and the run must still end with its failure recorded. (The
 * deadline is not tested here: the test server holds its clock while an activity runs, so a stuck
 * import never lets time pass; test/sync/sync-stop.test.ts covers the deadline against the real server.)
 */
/** Polls in real time until `check` holds: the worker runs in this process. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the import to start');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('initialSync cancelled from outside (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  let worker: StubWorkers;
  let taskQueue: string;
  let running: Promise<void>;
  const failures = new Map<string, { code: string; message: string }>();
  const importsStarted = new Set<string>();
  const importsCancelled = new Set<string>();

  beforeAll(async () => {
    env = await startTimeSkipping();
    ({ worker, taskQueue } = await createStubWorker(env, {
      startSync: async ({ operationId }: { operationId: string }) => ({ operationId }),
      resolveHead: async () => ({ owner: 'o', repo: 'r', branch: 'main', commitSha: 'a'.repeat(40), treeSha: 'b'.repeat(40) }),
      importSnapshot: async ({ projectId }: { projectId: string }) => {
        importsStarted.add(projectId);
        const context = Context.current();
        // Heartbeats carry the cancellation to the activity, as they do for the real import.
        const beat = setInterval(() => context.heartbeat(), 100);
        try {
          await context.cancelled;
        } catch (error) {
          importsCancelled.add(projectId);
          throw error;
        } finally {
          clearInterval(beat);
        }
        throw new Error('unreachable: the import only ends by cancellation');
      },
      completeEmptySync: async () => {
        throw new Error('the stand-in repository is never empty');
      },
      failSync: async ({ projectId, code, message }: { projectId: string; code: string; message: string }) => {
        failures.set(projectId, { code, message });
      },
    }));
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  async function failureOf(run: Promise<unknown>): Promise<ApplicationFailure> {
    const error = await run.then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    return (error as WorkflowFailedError).cause as ApplicationFailure;
  }

  it('ends a cancelled import as cancelled, recorded, after stopping the import', async () => {
    const handle = await env.client.workflow.start('initialSync', { taskQueue, workflowId: 'initial-sync/cancel', args: [{ projectId: 'cancel' }] });
    await until(() => importsStarted.has('cancel'));
    await handle.cancel();
    const failure = await failureOf(handle.result());
    expect(failure.type).toBe('cancelled');
    expect(failures.get('cancel')?.code).toBe('cancelled');
    expect(importsCancelled.has('cancel')).toBe(true);
  });
});
