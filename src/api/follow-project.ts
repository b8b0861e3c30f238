import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import { pushSignal, type IncrementalSyncInput } from '../shared/incremental-sync.js';
import { incrementalSyncWorkflowId } from '../shared/workflow-ids.js';

/**
 * Signal-with-start of the project's IncrementalSync: starts it, or tells the running one that
 * the branch moved (it coalesces). Returns the workflow id and the run that got the signal.
 */
export async function followProject(temporal: Client, config: Config, projectId: string, push: { sha?: string; forced?: boolean; source: 'webhook' | 'api' | 'poll' }) {
  const workflowId = incrementalSyncWorkflowId(projectId);
  const handle = await temporal.workflow.signalWithStart('incrementalSync', {
    workflowId,
    taskQueue: config.temporal.taskQueue,
    args: [{ projectId, maximumAttempts: config.syncMaxAttempts } satisfies IncrementalSyncInput],
    signal: pushSignal,
    signalArgs: [push],
  });
  return { workflowId, runId: handle.signaledRunId };
}
