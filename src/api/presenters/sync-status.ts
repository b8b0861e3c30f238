import type { Project } from '../../db/repositories/projects.js';
import type { SyncOperation } from '../../db/repositories/sync-operations.js';
import type { LiveSync } from '../../temporal/live-sync-status.js';
import type { SyncStatusBody } from '../schemas/sync.js';

/** Status as the API shows it: live from the workflow while it runs, from the database otherwise. */
export function presentSyncStatus(project: Project, live: LiveSync | undefined): SyncStatusBody {
  const base = {
    lastSyncedCommitSha: project.last_synced_sha,
    syncStartedAt: project.sync_started_at?.toISOString() ?? null,
    syncCompletedAt: project.sync_completed_at?.toISOString() ?? null,
  };
  if (!live?.view) {
    // A workflow an operator terminated, or that timed out, records nothing itself: the database
    // would say `syncing` forever, so the workflow's own end is the truth.
    const endedUnrecorded = (project.sync_status === 'syncing' || project.sync_status === 'pending') && live?.failure !== undefined;
    if (endedUnrecorded) {
      return { ...base, status: 'failed', phase: null, workflowId: live.workflowId, operationId: null, progress: null, error: live.failure! };
    }
    return {
      ...base,
      status: project.sync_status,
      phase: null,
      workflowId: live?.running ? live.workflowId : null,
      operationId: null,
      progress: null,
      error: project.sync_error_code ? { code: project.sync_error_code, message: project.sync_error_message ?? '' } : null,
    };
  }
  const { view } = live;
  const elapsedSeconds = (Date.now() - Date.parse(view.startedAt)) / 1000;
  const fraction = view.bytesTotal > 0 ? view.bytesDone / view.bytesTotal : view.filesTotal > 0 ? view.filesDone / view.filesTotal : 0;
  return {
    ...base,
    status: view.phase === 'failed' ? 'failed' : view.phase === 'completed' ? 'synced' : 'syncing',
    phase: view.phase,
    workflowId: live.workflowId,
    operationId: view.operationId,
    syncStartedAt: view.startedAt,
    progress: {
      filesDone: view.filesDone,
      filesTotal: view.filesTotal,
      bytesDone: view.bytesDone,
      bytesTotal: view.bytesTotal,
      percent: Math.round(fraction * 1000) / 10,
      currentPath: view.currentPath,
      etaSeconds: fraction > 0.01 && fraction < 1 ? Math.round((elapsedSeconds / fraction) * (1 - fraction)) : null,
    },
    error: view.lastError,
  };
}

/** The latest outbound edit as the status shows it: where it stands and what it became. */
export function presentOutbound(operation: SyncOperation): NonNullable<SyncStatusBody['lastOutbound']> {
  const metadata = operation.metadata as { result?: Record<string, unknown>; conflicts?: unknown };
  return {
    operationId: operation.id,
    status: operation.status,
    result: metadata.result ?? null,
    conflicts: Array.isArray(metadata.conflicts) ? metadata.conflicts.filter((path): path is string => typeof path === 'string') : [],
    error: operation.error_code ? { code: operation.error_code, message: operation.error_message ?? '' } : null,
    startedAt: operation.started_at.toISOString(),
    completedAt: operation.completed_at?.toISOString() ?? null,
  };
}
