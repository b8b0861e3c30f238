import { ApplicationFailure, WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { isSyncErrorCode, type SyncError } from '../shared/error-codes.js';
import { syncStatusQuery, type SyncStatusView } from '../shared/sync-status.js';
import { incrementalSyncWorkflowId, initialSyncWorkflowId } from '../shared/workflow-ids.js';

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
    // An activity waiting for its next attempt (a rate limit's reset, an outage) says why, so the
    // status shows what the sync waits for instead of a silent `syncing`.
    const waiting = retryWaitOf(description.raw.pendingActivities ?? []);
    const shown = view && !view.lastError && waiting ? { ...view, lastError: waiting } : view;
    return { workflowId, running: true, startedAt, ...(shown ? { view: shown } : {}) };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

interface PendingAttempt {
  lastFailure?: { message?: string | null; applicationFailureInfo?: { type?: string | null } | null } | null;
  nextAttemptScheduleTime?: unknown;
}

/** The failure an activity's scheduled next attempt follows, as a sync error. */
function retryWaitOf(pending: readonly PendingAttempt[]): SyncError | undefined {
  const waiting = pending.find((activity) => activity.lastFailure?.message && activity.nextAttemptScheduleTime);
  if (!waiting?.lastFailure?.message) return undefined;
  const type = waiting.lastFailure.applicationFailureInfo?.type;
  return { code: isSyncErrorCode(type) ? type : 'internal', message: waiting.lastFailure.message };
}

/** The code and message a closed workflow failed with (the sync's own code when it set one). */
function workflowFailure(error: unknown, closedAs: string): { code: string; message: string } {
  const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
  if (closedAs === 'FAILED' && cause instanceof ApplicationFailure && isSyncErrorCode(cause.type)) return { code: cause.type, message: cause.message };
  return { code: 'internal', message: `the sync workflow ended as ${closedAs} before recording a result${cause ? `: ${cause.message}` : ''}` };
}
