import { ApplicationFailure, condition, continueAsNew, proxyActivities, setHandler, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { bookkeeping, githubCall, streaming } from './activity-options.js';
import { describeFailure } from './describe-failure.js';
import { trackSyncStatus } from './sync-status-view.js';
import { pushSignal, type IncrementalSyncInput } from '../shared/incremental-sync.js';

/** Pushes that arrive within this quiet period after a sync are served by the same run. */
const LINGER = '2 seconds';
/** Syncs per run before the history is handed to a fresh run (continue-as-new). */
const SYNCS_PER_RUN = 50;

/**
 * IncrementalSync (`incremental-sync/<projectId>`), the project's follower: started or signalled
 * with signal-with-start on every push. Pushes during a sync set one flag, so a burst of any size
 * costs at most one more sync, to the newest head (read fresh, never from the payload).
 */
export async function incrementalSync(input: IncrementalSyncInput): Promise<void> {
  const { projectId, maximumAttempts = 8 } = input;
  const { startSync, failSync } = proxyActivities<Activities>(bookkeeping(maximumAttempts));
  const { resolveHead } = proxyActivities<Activities>(githubCall(maximumAttempts));
  const { syncToHead } = proxyActivities<Activities>(streaming(maximumAttempts));

  let pending = true;
  const status = trackSyncStatus('incremental');
  setHandler(pushSignal, () => {
    pending = true;
  });

  for (let syncs = 0; syncs < SYNCS_PER_RUN; syncs += 1) {
    if (!pending && !(await condition(() => pending, LINGER))) return;
    pending = false;
    status.phase = 'resolving';
    status.operationId = uuid4();
    try {
      await startSync({ projectId, kind: 'incremental', operationId: status.operationId });
      const head = await resolveHead({ projectId, operationId: status.operationId });
      if (head.commitSha === null || head.treeSha === null) throw ApplicationFailure.create({ type: 'not-found', message: `branch ${head.branch} has no commits`, nonRetryable: true });
      status.commitSha = head.commitSha;
      status.phase = 'streaming';
      await syncToHead({ projectId, operationId: status.operationId, head: { ...head, commitSha: head.commitSha, treeSha: head.treeSha } });
      status.phase = 'completed';
    } catch (error) {
      const failure = describeFailure(error);
      status.phase = 'failed';
      status.lastError = failure;
      await failSync({ projectId, operationId: status.operationId, ...failure }).catch(() => {});
      // A failed sync ends the run; the next push or poll starts a new one.
      throw ApplicationFailure.create({ type: failure.code, message: failure.message, nonRetryable: true, cause: error as Error });
    }
  }
  await continueAsNew<typeof incrementalSync>(input);
}
