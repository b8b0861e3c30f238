import { setHandler, workflowInfo } from '@temporalio/workflow';
import { syncProgressSignal, syncStatusQuery, type SyncPhase, type SyncStatusView } from '../shared/sync-status.js';
import { recordPhase } from './search-attributes.js';

/**
 * The status a sync workflow answers its `status` query with: what the workflow itself knows
 * (phase, operation, commit, last error). How far the work got is stored by the activity on the
 * operation row and merged in by the status API. Every phase it enters is also
 * the run's `SyncPhase` search attribute, so the Temporal UI lists runs by phase.
 */
export function trackSyncStatus(kind: SyncStatusView['kind'], initialPhase: SyncPhase = 'starting'): SyncStatusView {
  let phase = initialPhase;
  recordPhase(phase);
  const status = {
    kind,
    operationId: null,
    commitSha: null,
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    currentPath: null,
    startedAt: workflowInfo().startTime.toISOString(),
    lastError: null,
  } as Omit<SyncStatusView, 'phase'> as SyncStatusView;
  // An accessor, so plain assignments and Object.assign alike reach the search attribute.
  Object.defineProperty(status, 'phase', {
    enumerable: true,
    get: () => phase,
    set(next: SyncPhase) {
      phase = next;
      recordPhase(next);
    },
  });
  setHandler(syncStatusQuery, () => status);
  setHandler(syncProgressSignal, (progress) => {
    if (status.phase !== 'completed' && status.phase !== 'failed' && status.phase !== 'idle') Object.assign(status, progress);
  });
  return status;
}
