import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { WorkRequest } from './project-writer.js';
import type { ProjectLabels } from './search-attributes.js';

/** Input of the IncrementalSync workflow (the project's writer), id `incremental-sync/<projectId>`. */
export interface IncrementalSyncInput {
  projectId: string;
  maximumAttempts?: number;
  /** Seconds without a heartbeat before a long activity's worker is presumed lost (default 20). */
  heartbeatTimeoutSeconds?: number;
  /** Carried over continue-as-new: a push that arrived in the previous run's last moments. */
  pending?: boolean;
  /** What the writer labels its children with (search attributes, summary); absent: the project id only. */
  labels?: ProjectLabels;
  /** Carried over continue-as-new: child jobs requested in the previous run's last moments. */
  queued?: WorkRequest[];
}

export interface IncrementalSyncResult {
  operationId: string;
  commitSha: string;
  added: number;
  modified: number;
  removed: number;
  upToDate: boolean;
}

/** What a push (or a poll, or a user) tells the writer: the branch may have moved. */
export interface PushNotice {
  sha?: string;
  source: 'webhook' | 'api' | 'poll';
}

/** Pushes during a sync coalesce into one follow-up sync to the newest head. */
export const pushSignal = defineSignal<[PushNotice]>('push');

/**
 * How pushes reach the writer: like `pushSignal`, but the writer's validator rejects it while a
 * follow-up sync is already pending, and a rejected update leaves nothing in the history. So the
 * writer records one wake per sync it runs, however many pushes arrive while a long child runs.
 */
export const followHeadUpdate = defineUpdate<void, [PushNotice]>('followHead');

/** Why the writer refused a wake: the push rides on the follow-up sync already pending. */
export const FOLLOW_UP_ALREADY_PENDING = 'a sync to the newest head is already pending';
