import { defineSignal } from '@temporalio/workflow';

/** Input of the IncrementalSync workflow, id `incremental-sync/<projectId>`. */
export interface IncrementalSyncInput {
  projectId: string;
  maximumAttempts?: number;
}

export interface IncrementalSyncResult {
  operationId: string;
  commitSha: string;
  added: number;
  modified: number;
  removed: number;
  upToDate: boolean;
}

/** A push (or a poll, or a user) says the branch may have moved; pushes during a sync coalesce. */
export const pushSignal = defineSignal<[{ sha?: string; forced?: boolean; source: 'webhook' | 'api' | 'poll' }]>('push');
