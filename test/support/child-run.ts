import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';

/**
 * The handle of the run of `workflowId` that started at or after `since`: the API answers a
 * work request before the writer starts the child, so the run id is learnt by waiting for it.
 */
export async function childRun(temporal: Client, workflowId: string, since: Date, timeoutMs = 60_000): Promise<WorkflowHandle & { runId: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const described = await temporal.workflow.getHandle(workflowId).describe().catch(() => undefined);
    if (described && described.startTime.getTime() >= since.getTime()) return Object.assign(temporal.workflow.getHandle(workflowId, described.runId), { runId: described.runId });
    if (Date.now() > deadline) throw new Error(`${workflowId} did not start a run after ${since.toISOString()}`);
    await sleep(50);
  }
}
