import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Project } from '../../../db/repositories/projects.js';
import { initialSyncWorkflowId } from '../../../shared/workflow-ids.js';
import { syncStatusQuery, type SyncStatusView } from '../../../shared/sync-status.js';
import type { SyncStatusBody } from '../../schemas/sync.js';

/** The running sync's own view, from its workflow query; undefined when none is running. */
export async function liveSyncStatus(temporal: Client, projectId: string): Promise<{ workflowId: string; view: SyncStatusView } | undefined> {
  const workflowId = initialSyncWorkflowId(projectId);
  try {
    const handle = temporal.workflow.getHandle(workflowId);
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return undefined;
    return { workflowId, view: await handle.query(syncStatusQuery) };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** Status as the API shows it: live from the workflow while it runs, from the database otherwise. */
export function presentSyncStatus(project: Project, live: { workflowId: string; view: SyncStatusView } | undefined): SyncStatusBody {
  const base = {
    lastSyncedCommitSha: project.last_synced_sha,
    syncStartedAt: project.sync_started_at?.toISOString() ?? null,
    syncCompletedAt: project.sync_completed_at?.toISOString() ?? null,
  };
  if (!live) {
    return {
      ...base,
      status: project.sync_status,
      phase: null,
      workflowId: null,
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
