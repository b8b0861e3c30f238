import { ApplicationFailure, WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { isSyncErrorCode } from '../../../shared/error-codes.js';
import type { Project } from '../../../db/repositories/projects.js';
import type { Db } from '../../../db/connection.js';
import { syncOperationsRepository, type SyncOperation } from '../../../db/repositories/sync-operations.js';
import { incrementalSyncWorkflowId, initialSyncWorkflowId } from '../../../shared/workflow-ids.js';
import { syncStatusQuery, type SyncStatusView } from '../../../shared/sync-status.js';
import type { SyncStatusBody } from '../../schemas/sync.js';

export interface LiveSync {
  workflowId: string;
  running: boolean;
  /** The running sync's own view; undefined once it has closed, or while no worker answers. */
  view?: SyncStatusView;
  /** How the latest run closed (COMPLETED, FAILED, TERMINATED, TIMED_OUT, ...), when it has. */
  closedAs?: string;
  /** The failure it closed with, when it did not complete. */
  failure?: { code: string; message: string };
}

const QUERY_DEADLINE_MS = 2_000;

/** The project's sync workflow that runs now (initial or incremental), else the latest one. */
export async function liveSyncStatus(temporal: Client, projectId: string): Promise<LiveSync | undefined> {
  const [initial, incremental] = await Promise.all([workflowStatus(temporal, initialSyncWorkflowId(projectId)), workflowStatus(temporal, incrementalSyncWorkflowId(projectId))]);
  if (initial?.running) return initial;
  if (incremental?.running) return incremental;
  return [initial, incremental].filter((live) => live !== undefined).sort((a, b) => b.startedAt - a.startedAt)[0];
}

async function workflowStatus(temporal: Client, workflowId: string): Promise<(LiveSync & { startedAt: number }) | undefined> {
  try {
    const handle = temporal.workflow.getHandle(workflowId);
    const description = await handle.describe();
    const startedAt = description.startTime.getTime();
    if (description.status.name !== 'RUNNING') {
      const closedAs = description.status.name;
      const failure = closedAs === 'COMPLETED' ? undefined : await handle.result().then(() => undefined, (error: unknown) => workflowFailure(error, closedAs));
      return { workflowId, running: false, closedAs, startedAt, ...(failure ? { failure } : {}) };
    }
    // A query needs a live worker; while none is up (crashed, deploying) the status must still answer.
    const view = await temporal.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(syncStatusQuery)).catch(() => undefined);
    // The project's writer waiting between syncs is up, but no sync is running.
    if (view?.phase === 'idle') return { workflowId, running: false, startedAt };
    return { workflowId, running: true, startedAt, ...(view ? { view } : {}) };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/**
 * A running sync's view with the progress its activity stored: the workflow knows which phase it
 * is in, the operation row how far the work got (kept out of the workflow's history).
 */
export async function withStoredProgress(db: Db, live: LiveSync | undefined): Promise<LiveSync | undefined> {
  const view = live?.view;
  if (!live || !view?.operationId || view.phase !== 'streaming') return live;
  const progress = await syncOperationsRepository(db).progressOf(view.operationId);
  return progress ? { ...live, view: { ...view, ...progress } } : live;
}

/** The code and message a closed workflow failed with (the sync's own code when it set one). */
function workflowFailure(error: unknown, closedAs: string): { code: string; message: string } {
  const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
  if (closedAs === 'FAILED' && cause instanceof ApplicationFailure && isSyncErrorCode(cause.type)) return { code: cause.type, message: cause.message };
  return { code: 'internal', message: `the sync workflow ended as ${closedAs} before recording a result${cause ? `: ${cause.message}` : ''}` };
}

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
