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
});
