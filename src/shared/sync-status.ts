import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SyncError } from './error-codes.js';

/** `idle`: the project's writer is up but between syncs. */
export type SyncPhase = 'idle' | 'starting' | 'resolving' | 'streaming' | 'fetching-missing' | 'finishing' | 'completed' | 'failed';

/** What a running sync reports through its `status` query. */
export interface SyncStatusView {
  kind: 'initial' | 'incremental';
  phase: SyncPhase;
  operationId: string | null;
  commitSha: string | null;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentPath: string | null;
  startedAt: string;
  lastError: SyncError | null;
}

export type SyncProgress = Pick<SyncStatusView, 'phase' | 'filesDone' | 'filesTotal' | 'bytesDone' | 'bytesTotal' | 'currentPath'>;

export const syncStatusQuery = defineQuery<SyncStatusView>('status');
/**
 * Progress sent to the workflow by import activities of earlier releases. Current activities store
 * progress on the operation row instead (each signal was a history event, and a long import's
 * history hit its limit); the workflow still accepts the signal while such activities finish.
 */
export const syncProgressSignal = defineSignal<[SyncProgress]>('progress');
