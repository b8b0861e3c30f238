import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Project } from '../db/repositories/projects.js';
import { pushSignal, type IncrementalSyncInput, type PushNotice } from '../shared/incremental-sync.js';
import { requestInitialSyncUpdate, requestOutboundUpdate, requestVerifyUpdate, type ChildRun } from '../shared/project-writer.js';
import { projectRunLabels, type ProjectLabels } from '../shared/search-attributes.js';
import { incrementalSyncWorkflowId } from '../shared/workflow-ids.js';

/**
 * The client side of the project's single writer (`incremental-sync/<projectId>`, see
 * src/shared/project-writer.ts). Every entry point starts the writer when it is not running,
 * so callers never need to know whether it is.
 */

/** Where the writer runs and its attempts budget: from the config, or from a workflow's own info. */
export interface WriterOptions {
  taskQueue: string;
  maximumAttempts: number;
  heartbeatTimeoutSeconds?: number;
}

type WriterConfig = WriterOptions | (Pick<Config, 'temporal' | 'syncMaxAttempts'> & Partial<Pick<Config, 'syncHeartbeatTimeoutSeconds'>>);

/** What starting the writer needs of the project row: its id, and what its runs are labelled with. */
export type WriterProject = Pick<Project, 'id' | 'tenant_id' | 'owner' | 'repo' | 'branch' | 'default_branch'>;

function writerStart(config: WriterConfig, project: WriterProject) {
  const options: WriterOptions = 'taskQueue' in config
    ? config
    : { taskQueue: config.temporal.taskQueue, maximumAttempts: config.syncMaxAttempts, heartbeatTimeoutSeconds: config.syncHeartbeatTimeoutSeconds };
  const { maximumAttempts, heartbeatTimeoutSeconds } = options;
  const projectId = project.id;
  const labels: ProjectLabels = { tenantId: project.tenant_id, owner: project.owner, repo: project.repo, branch: project.branch ?? project.default_branch };
  return {
    workflowId: incrementalSyncWorkflowId(projectId),
    taskQueue: options.taskQueue,
    args: [{ projectId, maximumAttempts, ...(heartbeatTimeoutSeconds ? { heartbeatTimeoutSeconds } : {}), labels } satisfies IncrementalSyncInput] as [IncrementalSyncInput],
    ...projectRunLabels(projectId, 'incremental', labels),
  };
}

/** Tells the writer the branch may have moved (signal-with-start); pushes coalesce. */
export async function followProject(temporal: Client, config: WriterConfig, project: WriterProject, push: PushNotice) {
  const start = writerStart(config, project);
  const handle = await temporal.workflow.signalWithStart('incrementalSync', { ...start, signal: pushSignal, signalArgs: [push] });
  return { workflowId: start.workflowId, runId: handle.signaledRunId };
}

/** Asks the writer for an import from the archive; answers with the InitialSync child that serves it. */
export function requestInitialSync(temporal: Client, config: WriterConfig, project: WriterProject): Promise<ChildRun> {
  return temporal.workflow.executeUpdateWithStart(requestInitialSyncUpdate, {
    startWorkflowOperation: new WithStartWorkflowOperation('incrementalSync', { ...writerStart(config, project), workflowIdConflictPolicy: 'USE_EXISTING' }),
  });
}

/** Asks the writer to verify the current snapshot's blobs; answers with the Verify child that serves it. */
export function requestVerify(temporal: Client, config: WriterConfig, project: WriterProject): Promise<ChildRun> {
  return temporal.workflow.executeUpdateWithStart(requestVerifyUpdate, {
    startWorkflowOperation: new WithStartWorkflowOperation('incrementalSync', { ...writerStart(config, project), workflowIdConflictPolicy: 'USE_EXISTING' }),
  });
}

/** Asks the writer to commit an outbound operation's recorded changes; answers with its OutboundSync child. */
export function requestOutboundSync(temporal: Client, config: WriterConfig, project: WriterProject, operationId: string): Promise<ChildRun> {
  return temporal.workflow.executeUpdateWithStart(requestOutboundUpdate, {
    args: [{ operationId }],
    startWorkflowOperation: new WithStartWorkflowOperation('incrementalSync', { ...writerStart(config, project), workflowIdConflictPolicy: 'USE_EXISTING' }),
  });
}
