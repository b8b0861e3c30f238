import { WithStartWorkflowOperation, WorkflowUpdateStage, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import type { Project } from '../db/repositories/projects.js';
import { writerJobsRepository } from '../db/repositories/writer-jobs.js';
import { followHeadUpdate, pushSignal, type IncrementalSyncInput, type PushNotice } from '../shared/incremental-sync.js';
import { requestWorkSignal, type ChildRun, type WorkRequest } from '../shared/project-writer.js';
import { projectRunLabels, type ProjectLabels } from '../shared/search-attributes.js';
import { incrementalSyncWorkflowId, initialSyncWorkflowId, outboundSyncWorkflowId, verifyWorkflowId } from '../shared/workflow-ids.js';

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

/** How long a push waits for a worker to accept or refuse its wake before it is sent as a signal instead. */
const WAKE_TIMEOUT_MS = 10_000;

/**
 * Tells the writer the branch may have moved; pushes coalesce. The wake is an update-with-start,
 * refused (and so never written to the writer's history) while a follow-up sync is already
 * pending: a writer busy with a long child keeps a history bounded by the syncs it runs, not by
 * the pushes it receives. An update needs a worker to answer it; when none does in time, or the
 * run ends under it, the push goes as a signal, which the server alone records.
 *
 * With `updateId` (a client's idempotency key), a request repeated against the same run is the
 * same update to Temporal, which answers the first outcome again and records nothing new.
 */
export async function followProject(temporal: Client, config: WriterConfig, project: WriterProject, push: PushNotice, options: { updateId?: string } = {}) {
  const start = writerStart(config, project);
  try {
    const wake = await temporal.connection.withDeadline(Date.now() + WAKE_TIMEOUT_MS, () =>
      temporal.workflow.startUpdateWithStart(followHeadUpdate, {
        args: [push],
        ...(options.updateId !== undefined ? { updateId: options.updateId } : {}),
        waitForStage: WorkflowUpdateStage.ACCEPTED,
        startWorkflowOperation: new WithStartWorkflowOperation('incrementalSync', { ...start, workflowIdConflictPolicy: 'USE_EXISTING' }),
      }),
    );
    // Accepted or refused as already pending, the push is in the hands of this run.
    return { workflowId: start.workflowId, runId: wake.workflowRunId ?? null };
  } catch {
    const handle = await temporal.workflow.signalWithStart('incrementalSync', { ...start, signal: pushSignal, signalArgs: [push] });
    return { workflowId: start.workflowId, runId: handle.signaledRunId };
  }
}

/**
 * Hands a job to the writer and answers at once with the child workflow id that will serve it.
 * Signal-with-start rather than an update: an update is accepted only once a worker has run the
 * workflow's handler, so it would wait behind a busy or absent worker; a signal needs the server
 * alone. What an update would have answered — whether the job joins one already queued or
 * running — comes from `writer_jobs`, claimed here and released by the writer when the child ends.
 */
async function requestWork(temporal: Client, db: Db, config: WriterConfig, project: WriterProject, request: WorkRequest, workflowId: string): Promise<ChildRun> {
  const claimed = await writerJobsRepository(db).claim({ workflowId, projectId: project.id, kind: request.kind });
  try {
    await temporal.workflow.signalWithStart('incrementalSync', { ...writerStart(config, project), signal: requestWorkSignal, signalArgs: [request] });
  } catch (error) {
    if (claimed) await writerJobsRepository(db).release(workflowId);
    throw error;
  }
  return { workflowId, alreadyRunning: !claimed };
}

/** Asks the writer for an import from the archive (InitialSync, `initial-sync/<projectId>`). */
export function requestInitialSync(temporal: Client, db: Db, config: WriterConfig, project: WriterProject): Promise<ChildRun> {
  return requestWork(temporal, db, config, project, { kind: 'initial' }, initialSyncWorkflowId(project.id));
}

/** Asks the writer to verify the current snapshot's blobs (Verify, `verify/<projectId>`). */
export function requestVerify(temporal: Client, db: Db, config: WriterConfig, project: WriterProject): Promise<ChildRun> {
  return requestWork(temporal, db, config, project, { kind: 'verify' }, verifyWorkflowId(project.id));
}

/** Asks the writer to commit an outbound operation's recorded changes (OutboundSync). */
export function requestOutboundSync(temporal: Client, db: Db, config: WriterConfig, project: WriterProject, operationId: string): Promise<ChildRun> {
  return requestWork(temporal, db, config, project, { kind: 'outbound', operationId }, outboundSyncWorkflowId(project.id, operationId));
}
