import { ApplicationFailure, condition, continueAsNew, proxyActivities, setHandler, uuid4, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { describeFailure } from './describe-failure.js';
import { pushSignal, type IncrementalSyncInput } from '../shared/incremental-sync.js';
import { syncProgressSignal, syncStatusQuery, type SyncStatusView } from '../shared/sync-status.js';

const retryPolicy = (maximumAttempts: number) => ({ initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts });
const bookkeeping = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '30 seconds', retry: retryPolicy(maximumAttempts) });
const githubCall = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '2 minutes', retry: retryPolicy(maximumAttempts) });
const streaming = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '4 hours', heartbeatTimeout: '20 seconds', retry: retryPolicy(maximumAttempts) });

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
  const status: SyncStatusView = {
    kind: 'incremental',
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
  setHandler(pushSignal, () => {
    pending = true;
  });
  setHandler(syncStatusQuery, () => status);
  setHandler(syncProgressSignal, (progress) => {
    Object.assign(status, progress);
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
