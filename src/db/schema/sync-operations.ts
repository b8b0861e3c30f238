import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { SyncProgress } from '../../shared/sync-status.js';

export type OperationKind = 'initial' | 'incremental' | 'outbound' | 'verify';
export type OperationStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** The operations log: one row per sync, in either direction. */
export interface SyncOperationsTable {
  id: Generated<string>;
  project_id: string;
  kind: OperationKind;
  direction: 'inbound' | 'outbound';
  status: OperationStatus;
  workflow_id: string | null;
  run_id: string | null;
  before_sha: string | null;
  after_sha: string | null;
  files_added: Generated<number>;
  files_modified: Generated<number>;
  files_removed: Generated<number>;
  files_skipped: Generated<number>;
  bytes: Generated<number>;
  api_requests: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  started_at: Generated<Date>;
  completed_at: Date | null;
  duration_ms: number | null;
  metadata: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  /** The running sync's progress, written by its activity about once a second; null once none is reported. */
  progress: ColumnType<SyncProgress | null, string | null | undefined, string | null>;
}

export interface SyncOperationsSchema {
  sync_operations: SyncOperationsTable;
}
