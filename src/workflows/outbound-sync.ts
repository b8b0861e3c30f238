import { ApplicationFailure, getExternalWorkflowHandle, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { pushSignal } from '../shared/incremental-sync.js';
import type { OutboundSyncInput, OutboundSyncResult } from '../shared/outbound-sync.js';
import { incrementalSyncWorkflowId } from '../shared/workflow-ids.js';
import { bookkeeping, cancellableCommit, OUTBOUND_SYNC_DEADLINE } from './activity-options.js';
import { describeFailure } from './describe-failure.js';
import { recordErrorCode } from './search-attributes.js';
import { syncStop } from './sync-stop.js';

/**
 * OutboundSync (`outbound-sync/<projectId>/<operationId>`), run by the project's writer as a child:
 * commit the changes the API recorded under the operation to GitHub — directly, or as a pull
 * request — then close the operation. Every failure ends recorded on the operation with a code,
 * a cancellation or a run past its deadline too.
 */
export async function outboundSync(input: OutboundSyncInput): Promise<OutboundSyncResult> {
  const { projectId, operationId, maximumAttempts = 8, deadlineSeconds } = input;
  const { beginOutbound, completeOutbound, failOutbound } = proxyActivities<Activities>(bookkeeping(maximumAttempts));
  // Heartbeats: a worker that dies mid-commit is noticed in seconds, and the retry looks for its commit first.
  const { commitOutbound } = proxyActivities<Activities>(cancellableCommit(maximumAttempts));
  const stop = syncStop(deadlineSeconds ? `${deadlineSeconds} seconds` : OUTBOUND_SYNC_DEADLINE);

  try {
    const { outcome, snapshotMoved, finished } = await stop.run(async () => {
      const { finished } = await beginOutbound({ projectId, operationId });
      if (finished) return { ...finished, finished: true };
      const { outcome, snapshotMoved } = await commitOutbound({ projectId, operationId });
      await completeOutbound({ projectId, operationId, outcome, snapshotMoved });
      return { outcome, snapshotMoved, finished: false };
    });
    if (!finished && outcome.kind === 'commit' && !outcome.noChange && !snapshotMoved) {
      // Our commit sits on pushes we have not imported: the writer follows the branch once we are
      // done (it would for the push webhook too; this also covers projects without one).
      try {
        await getExternalWorkflowHandle(incrementalSyncWorkflowId(projectId)).signal(pushSignal, { source: 'api', sha: outcome.commitSha });
      } catch (error) {
        log.warn('could not ask the writer to follow the branch', { projectId, error: (error as Error).message });
      }
    }
    return { operationId, outcome, snapshotMoved };
  } catch (error) {
    const failure = stop.reason() ?? describeFailure(error);
    recordErrorCode(failure.code);
    try {
      await stop.record(() => failOutbound({ projectId, operationId, ...failure }));
    } catch {
      // The database is what failed; the workflow's own failure still carries the code.
    }
    // A failure, not a cancellation, even when cancelled: the project's writer runs this as a
    // child and takes a cancelled child for its own cancellation.
    throw ApplicationFailure.create({ type: failure.code, message: failure.message, nonRetryable: true, cause: error as Error });
  }
}
