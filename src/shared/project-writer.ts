import { defineUpdate } from '@temporalio/workflow';

/**
 * The project's single writer is the `incremental-sync/<projectId>` workflow: it follows pushes
 * itself and runs InitialSync, OutboundSync and Verify as its children, one at a time, so a project's
 * syncs never overlap. Clients reach it with signal-with-start (pushes) and
 * update-with-start (work that needs an answer: which child run serves the request).
 */

/** The child workflow run that serves (or already served) a request. */
export interface ChildRun {
  workflowId: string;
  runId: string;
  /** True when the request joined a run that was already queued or running. */
  alreadyRunning: boolean;
}

/** Re-import the branch head from the archive (the initial sync, or a full resync). */
export const requestInitialSyncUpdate = defineUpdate<ChildRun, []>('requestInitialSync');

/** Check that every blob of the current snapshot is stored intact, fetching again what is not (see Verify). */
export const requestVerifyUpdate = defineUpdate<ChildRun, []>('requestVerify');

/** Commit the changes recorded under an outbound operation (see OutboundSync). */
export const requestOutboundUpdate = defineUpdate<ChildRun, [{ operationId: string }]>('requestOutbound');
