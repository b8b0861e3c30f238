import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../src/shared/verify.js';
import { createStubWorker, startTimeSkipping } from '../support/time-skipping.js';

describe('verifyProject at real retry intervals (time-skipping)', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await startTimeSkipping();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('retries a storage outage with exponential backoff, then records the failure with its code', async () => {
    const attempts: number[] = [];
    const failures: Array<{ operationId: string; code: string; message: string }> = [];
    const { worker, taskQueue } = await createStubWorker(env, {
      startVerify: async () => undefined,
      verifyBlobs: async () => {
        attempts.push(await env.currentTimeMs());
        throw ApplicationFailure.retryable('the blob store answered 503', 'storage-unavailable');
      },
      failVerify: async (failure: { operationId: string; code: string; message: string }) => {
        failures.push(failure);
      },
    });
    const startedAt = await env.currentTimeMs();
    const run = worker.runUntil(env.client.workflow.execute('verifyProject', { taskQueue, workflowId: 'verify/outage', args: [{ projectId: 'p-1', maximumAttempts: 6 }] }));

    const error = await run.then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(((error as WorkflowFailedError).cause as ApplicationFailure).type).toBe('storage-unavailable');
    expect(attempts).toHaveLength(6);
    expect(failures).toEqual([expect.objectContaining({ code: 'storage-unavailable', message: 'the blob store answered 503' })]);
    // Backoff 1, 2, 4, 8, 16 s between the six attempts: at least 31 s of (skipped) time.
    expect(attempts.at(-1)! - startedAt).toBeGreaterThanOrEqual(31_000);
    const gaps = attempts.slice(1).map((at, index) => at - attempts[index]!);
    for (let index = 1; index < gaps.length; index += 1) expect(gaps[index]!).toBeGreaterThan(gaps[index - 1]!);
  });

  it('returns what the verify found when its activities succeed', async () => {
    const result: VerifyResult = { operationId: 'op', commitSha: 'c'.repeat(40), checked: 3, missing: 1, corrupt: 0, repaired: 1, unrepaired: 0 };
    const { worker, taskQueue } = await createStubWorker(env, {
      startVerify: async () => undefined,
      verifyBlobs: async ({ operationId }: { operationId: string }) => ({ ...result, operationId }),
      failVerify: async () => {
        throw new Error('must not be called');
      },
    });
    const outcome = await worker.runUntil(env.client.workflow.execute('verifyProject', { taskQueue, workflowId: 'verify/ok', args: [{ projectId: 'p-2' }] }));
    expect(outcome).toMatchObject({ checked: 3, missing: 1, repaired: 1 });
    expect(outcome.operationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('stops a verify that outlives its deadline and records it timed-out', async () => {
    const failures: Array<{ code: string }> = [];
    const { worker, taskQueue } = await createStubWorker(env, {
      startVerify: async () => undefined,
      verifyBlobs: async () => {
        throw ApplicationFailure.retryable('the blob store answered 503', 'storage-unavailable');
      },
      failVerify: async (failure: { code: string }) => {
        failures.push(failure);
      },
    });
    const run = worker.runUntil(env.client.workflow.execute('verifyProject', { taskQueue, workflowId: 'verify/deadline', args: [{ projectId: 'p-3', maximumAttempts: 100, deadlineSeconds: 30 }] }));
    const error = await run.then(() => undefined, (failure: unknown) => failure);
    expect(((error as WorkflowFailedError).cause as ApplicationFailure).type).toBe('timed-out');
    expect(failures).toEqual([expect.objectContaining({ code: 'timed-out' })]);
  });

  it('records a cancelled verify as cancelled, after its running activity was told to stop', async () => {
    const failures: Array<{ code: string }> = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let activityCancelled = false;
    const { worker, taskQueue } = await createStubWorker(env, {
      startVerify: async () => undefined,
      verifyBlobs: async () => {
        const context = Context.current();
        const beat = setInterval(() => context.heartbeat(), 100);
        started();
        try {
          await context.cancelled;
        } catch (error) {
          activityCancelled = true;
          throw error;
        } finally {
          clearInterval(beat);
        }
      },
      failVerify: async (failure: { code: string }) => {
        failures.push(failure);
      },
    });
    const outcome = worker.runUntil((async () => {
      const handle = await env.client.workflow.start('verifyProject', { taskQueue, workflowId: 'verify/cancel', args: [{ projectId: 'p-4' }] });
      await running;
      await handle.cancel();
      return handle.result().then(() => undefined, (failure: unknown) => failure);
    })());
    const error = await outcome;
    expect(((error as WorkflowFailedError).cause as ApplicationFailure).type).toBe('cancelled');
    expect(failures).toEqual([expect.objectContaining({ code: 'cancelled' })]);
    expect(activityCancelled).toBe(true);
  });
});
