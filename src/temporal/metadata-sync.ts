import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import { metadataSyncWorkflowId, type MetadataSyncInput } from '../shared/metadata-sync.js';

/**
 * Starts the project's metadata sync unless one is already running (that run covers the request).
 * Answers with the workflow id either way.
 */
export function startMetadataSync(temporal: Client, config: Pick<Config, 'temporal' | 'syncMaxAttempts'>, projectId: string): Promise<{ workflowId: string; started: boolean }> {
  return startMetadataSyncOn(temporal, { taskQueue: config.temporal.taskQueue, maximumAttempts: config.syncMaxAttempts }, projectId);
}

/** The same, for callers that know the task queue and attempts rather than the whole configuration (the poll). */
export async function startMetadataSyncOn(temporal: Client, queue: { taskQueue: string; maximumAttempts: number }, projectId: string): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = metadataSyncWorkflowId(projectId);
  try {
    await temporal.workflow.start('metadataSync', {
      workflowId,
      taskQueue: queue.taskQueue,
      args: [{ projectId, maximumAttempts: queue.maximumAttempts } satisfies MetadataSyncInput],
      workflowIdConflictPolicy: 'FAIL',
    });
    return { workflowId, started: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw error;
  }
}
