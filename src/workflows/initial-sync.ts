import { ApplicationFailure, proxyActivities, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { bookkeeping, githubCall, resumableAttempt } from './activity-options.js';
import { describeFailure } from './describe-failure.js';
import { runResumable } from './resumable-activity.js';
import { recordErrorCode } from './search-attributes.js';
import { trackSyncStatus } from './sync-status-view.js';
import type { InitialSyncInput, InitialSyncResult } from '../shared/initial-sync.js';


/**
 * InitialSync (`initial-sync/<projectId>`): resolve the branch head, stream the commit into
 * content-addressed storage, make its snapshot current. Every failure ends in a recorded status
 * with a code: nothing stays `syncing`.
 */
export async function initialSync(input: InitialSyncInput): Promise<InitialSyncResult> {
  const { projectId, maximumAttempts = 8, heartbeatTimeoutSeconds } = input;
  const { startSync, completeEmptySync, failSync } = proxyActivities<Activities>(bookkeeping(maximumAttempts));
  const { resolveHead } = proxyActivities<Activities>(githubCall(maximumAttempts));
  const { importSnapshot } = proxyActivities<Activities>(resumableAttempt(heartbeatTimeoutSeconds));

  const status = trackSyncStatus('initial');

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
      const commit = { ...head, commitSha: head.commitSha, treeSha: head.treeSha };
      result = await runResumable(() => importSnapshot({ projectId, operationId, head: commit }), { maximumAttempts, maximumLostWithoutProgress: maximumAttempts });
      status.filesDone = status.filesTotal = result.filesTotal;
    }
    status.phase = 'completed';
    status.currentPath = null;
    return result;
  } catch (error) {
    const failure = describeFailure(error);
    status.phase = 'failed';
    status.lastError = failure;
    recordErrorCode(failure.code);
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
