import { defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * The project's single writer is the `incremental-sync/<projectId>` workflow: it follows pushes
 * itself and runs InitialSync, OutboundSync and Verify as its children, one at a time, so a project's
 * syncs never overlap. Work requests reach it with signal-with-start: a signal is recorded in the
 * writer's history by the server alone, so a request is accepted at once even while a long import
 * runs ahead of it or no worker is polling, and the answer names the child by its deterministic id.
 * Pushes reach it as a wake that is refused while one is pending (see `followHeadUpdate`).
 */

/** A unit of work that runs as a child of the writer. */
export interface WorkRequest {
  kind: 'initial' | 'outbound' | 'verify';
  /** The outbound operation whose recorded changes to commit (kind `outbound` only). */
  operationId?: string;
}

/** The child workflow that serves (or already serves) a request. */
export interface ChildRun {
  workflowId: string;
  /** True when the request joined a job that was already queued or running. */
  alreadyRunning: boolean;
}

/** Queue a child job; a job with the same child workflow id that is queued or running is joined instead. */
export const requestWorkSignal = defineSignal<[WorkRequest]>('requestWork');

/** What the update-based requests answer: the child, and its run once it has started. */
export interface StartedChildRun extends ChildRun {
  runId: string;
}

/*
 * The update-based requests clients sent before requests became signals. The writer still answers
 * them, each once its child has started: runs whose histories hold them must replay, and a client
 * of the earlier release may still send them while a deploy rolls out.
 */
export const requestInitialSyncUpdate = defineUpdate<StartedChildRun, []>('requestInitialSync');
export const requestVerifyUpdate = defineUpdate<StartedChildRun, []>('requestVerify');
export const requestOutboundUpdate = defineUpdate<StartedChildRun, [{ operationId: string }]>('requestOutbound');
