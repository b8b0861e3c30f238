/** Input of the InitialSync workflow, id `initial-sync/<projectId>`. */
export interface InitialSyncInput {
  projectId: string;
  /**
   * Attempts per activity before an outage (storage, database, GitHub) fails the sync.
   * Defaults to a budget of a few minutes; tests lower it.
   */
  maximumAttempts?: number;
  /** Seconds without a heartbeat before the import's worker is presumed lost (default 20). */
  heartbeatTimeoutSeconds?: number;
  /** Seconds the whole sync may take before it stops and records `timed-out` (default: a few hours). */
  deadlineSeconds?: number;
}

export interface InitialSyncResult {
  operationId: string;
  commitSha: string | null;
  filesTotal: number;
  filesSkipped: number;
  blobsUploaded: number;
  bytesUploaded: number;
  apiRequests: number;
  empty: boolean;
}
