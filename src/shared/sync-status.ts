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
/** Sent by the import activity, at most about once a second, so the query can show progress. */
export const syncProgressSignal = defineSignal<[SyncProgress]>('progress');
