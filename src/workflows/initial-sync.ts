import { ApplicationFailure, proxyActivities, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { bookkeeping, cancellableImport, githubCall, INITIAL_SYNC_DEADLINE } from './activity-options.js';
import { describeFailure } from './describe-failure.js';
import { runResumable } from './resumable-activity.js';
import { recordErrorCode } from './search-attributes.js';
import { syncStop } from './sync-stop.js';
import { trackSyncStatus } from './sync-status-view.js';
import type { InitialSyncInput, InitialSyncResult } from '../shared/initial-sync.js';


/**
 * InitialSync (`initial-sync/<projectId>`): resolve the branch head, stream the commit into
 * content-addressed storage, make its snapshot current. Every failure ends in a recorded status
 * with a code: nothing stays `syncing`, not even when the run is cancelled or outlives its deadline.
 */
export async function initialSync(input: InitialSyncInput): Promise<InitialSyncResult> {
  const { projectId, maximumAttempts = 8, heartbeatTimeoutSeconds, deadlineSeconds } = input;
  const { startSync, completeEmptySync, failSync } = proxyActivities<Activities>(bookkeeping(maximumAttempts));
  const { resolveHead } = proxyActivities<Activities>(githubCall(maximumAttempts));
  const { importSnapshot } = proxyActivities<Activities>(cancellableImport(heartbeatTimeoutSeconds));

  const status = trackSyncStatus('initial');
  const stop = syncStop(deadlineSeconds ? `${deadlineSeconds} seconds` : INITIAL_SYNC_DEADLINE);

  try {
    return await stop.run(async () => {
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
        // While an attempt waits to be retried (an outage, the rate limit's reset), the status says why.
        result = await runResumable(() => importSnapshot({ projectId, operationId, head: commit }), { maximumAttempts, maximumLostWithoutProgress: maximumAttempts }, (failure) => {
          status.lastError = describeFailure(failure);
        });
        status.lastError = null;
        status.filesDone = status.filesTotal = result.filesTotal;
      }
      status.phase = 'completed';
      status.currentPath = null;
      return result;
    });
  } catch (error) {
    const failure = stop.reason() ?? describeFailure(error);
    status.phase = 'failed';
    status.lastError = failure;
    recordErrorCode(failure.code);
    try {
      await stop.record(() => failSync({ projectId, operationId: status.operationId, ...failure }));
    } catch {
      // The database is what failed: the workflow's own failure below still carries the code,
      // and the status API reads it from Temporal.
    }
    // A failure, not a cancellation, even when cancelled: the project's writer runs this as a
    // child and takes a cancelled child for its own cancellation.
    throw ApplicationFailure.create({ type: failure.code, message: failure.message, nonRetryable: true, cause: error as Error });
  }
}
