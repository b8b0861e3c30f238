import { setHandler, workflowInfo } from '@temporalio/workflow';
import { syncProgressSignal, syncStatusQuery, type SyncStatusView } from '../shared/sync-status.js';

/**
 * The status a sync workflow answers its `status` query with, kept up to date by the import
 * activity's progress signals (ignored once the sync has ended).
 */
export function trackSyncStatus(kind: SyncStatusView['kind']): SyncStatusView {
  const status: SyncStatusView = {
    kind,
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
    if (status.phase !== 'completed' && status.phase !== 'failed' && status.phase !== 'idle') Object.assign(status, progress);
  });
  return status;
}
