import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import { metadataChangedSignal, metadataSyncWorkflowId, type MetadataPhase, type MetadataSyncInput } from '../shared/metadata-sync.js';

/**
 * Starts the project's metadata sync unless one is already running (that run covers the request).
 * Answers with the workflow id either way.
 */
export function startMetadataSync(temporal: Client, config: Pick<Config, 'temporal' | 'syncMaxAttempts'>, projectId: string, phases?: readonly MetadataPhase[]): Promise<{ workflowId: string; started: boolean }> {
  return startMetadataSyncOn(temporal, { taskQueue: config.temporal.taskQueue, maximumAttempts: config.syncMaxAttempts }, projectId, phases);
}

/** The same, for callers that know the task queue and attempts rather than the whole configuration (the poll). */
export async function startMetadataSyncOn(
  temporal: Client,
  queue: { taskQueue: string; maximumAttempts: number },
  projectId: string,
  phases?: readonly MetadataPhase[],
): Promise<{ workflowId: string; started: boolean }> {
  const workflowId = metadataSyncWorkflowId(projectId);
  try {
    await temporal.workflow.start('metadataSync', {
      workflowId,
      taskQueue: queue.taskQueue,
      args: [{ projectId, maximumAttempts: queue.maximumAttempts, ...(phases ? { phases: [...phases] } : {}) } satisfies MetadataSyncInput],
      workflowIdConflictPolicy: 'FAIL',
    });
    return { workflowId, started: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw error;
  }
}

/**
 * Makes sure the project's metadata sync reads what changed now: starts it (only `phases`, when
 * given), or tells the running one to make one more pass (it may have read the refs before the
 * change). A run that ended between the two is started again.
 */
export async function requestMetadataSync(
  temporal: Client,
  config: Pick<Config, 'temporal' | 'syncMaxAttempts'>,
  projectId: string,
  phases?: readonly MetadataPhase[],
): Promise<{ workflowId: string; started: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const result = await startMetadataSync(temporal, config, projectId, phases);
    if (result.started) return result;
    try {
      await temporal.workflow.getHandle(result.workflowId).signal(metadataChangedSignal);
      return result;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError) || attempt >= 3) throw error;
    }
  }
}
