/** Input of the Verify workflow, id `verify/<projectId>`, run as a child of the project's writer. */
export interface VerifyInput {
  projectId: string;
  /** Attempts per activity before an outage fails the verify. */
  maximumAttempts?: number;
  /** Overrides how long the verify may run before it stops and records `timed-out` (for tests). */
  deadlineSeconds?: number;
}

/** What a verify found among the current snapshot's stored blobs, and what it fetched again. */
export interface VerifyResult {
  operationId: string;
  commitSha: string;
  checked: number;
  missing: number;
  corrupt: number;
  repaired: number;
  /** Blobs GitHub served with bytes that do not hash to their SHA: left as they were. */
  unrepaired: number;
}
