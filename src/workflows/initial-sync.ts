import { ApplicationFailure, proxyActivities, setHandler, uuid4, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { describeFailure } from './describe-failure.js';
import type { InitialSyncInput, InitialSyncResult } from '../shared/initial-sync.js';
import { syncProgressSignal, syncStatusQuery, type SyncStatusView } from '../shared/sync-status.js';

/** Retries with backoff up to a budget of a few minutes; outages past it fail the sync with a code. */
const retryPolicy = (maximumAttempts: number) => ({ initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts });
const bookkeeping = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '30 seconds', retry: retryPolicy(maximumAttempts) });
const githubCall = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '2 minutes', retry: retryPolicy(maximumAttempts) });
/** A silent worker is presumed dead after the heartbeat timeout, and the import resumes elsewhere. */
const streaming = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '4 hours', heartbeatTimeout: '20 seconds', retry: retryPolicy(maximumAttempts) });

/**
 * InitialSync (`initial-sync/<projectId>`): resolve the branch head, stream the commit into
 * content-addressed storage, make its snapshot current. Every failure ends in a recorded status
 * with a code: nothing stays `syncing`.
 */
export async function initialSync(input: InitialSyncInput): Promise<InitialSyncResult> {
  const { projectId, maximumAttempts = 8 } = input;
  const { startSync, completeEmptySync, failSync } = proxyActivities<Activities>(bookkeeping(maximumAttempts));
  const { resolveHead } = proxyActivities<Activities>(githubCall(maximumAttempts));
  const { importSnapshot } = proxyActivities<Activities>(streaming(maximumAttempts));

  const status: SyncStatusView = {
    kind: 'initial',
    phase: 'starting',
    operationId: null,
    commitSha: null,
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    currentPath: null,
    startedAt: workflowInfo().startTime.toISOString(),
    lastError: null,
  };
  setHandler(syncStatusQuery, () => status);
  setHandler(syncProgressSignal, (progress) => {
    if (status.phase !== 'completed' && status.phase !== 'failed') Object.assign(status, progress);
  });

  try {
    const { operationId } = await startSync({ projectId, kind: 'initial', operationId: uuid4() });
    status.operationId = operationId;
    status.phase = 'resolving';
    const head = await resolveHead({ projectId, operationId });
    status.commitSha = head.commitSha;
    let result: InitialSyncResult;
    if (head.commitSha === null || head.treeSha === null) {
      result = await completeEmptySync({ projectId, operationId });
    } else {
      status.phase = 'streaming';
      result = await importSnapshot({ projectId, operationId, head: { ...head, commitSha: head.commitSha, treeSha: head.treeSha } });
      status.filesDone = status.filesTotal = result.filesTotal;
    }
    status.phase = 'completed';
    status.currentPath = null;
    return result;
  } catch (error) {
    const failure = describeFailure(error);
    status.phase = 'failed';
    status.lastError = failure;
    try {
      await failSync({ projectId, operationId: status.operationId, ...failure });
    } catch {
      // The database is what failed: the workflow's own failure below still carries the code,
      // and the status API reads it from Temporal.
    }
    throw ApplicationFailure.create({ type: failure.code, message: failure.message, nonRetryable: true, cause: error as Error });
  }
}

/** The code and message a user sees, from the failure an activity ended with. */
