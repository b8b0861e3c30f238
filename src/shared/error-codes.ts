/**
 * Failure codes a user sees on a project or an operation. The first group is non-retryable:
 * retrying cannot help. The second surfaces when an outage outlasts the retries, or when the
 * workers running a long import keep dying (`worker-lost`) without saving any more of its work.
 */
export const NON_RETRYABLE_ERROR_CODES = ['auth-failed', 'not-found', 'no-credentials', 'integrity-mismatch', 'too-large', 'conflict', 'unsafe-archive', 'invalid-input'] as const;
export const OUTAGE_ERROR_CODES = ['storage-unavailable', 'database-unavailable', 'github-unavailable', 'worker-lost'] as const;
/** A sync stopped from outside: cancelled by a person or an operator, or past its own deadline. */
export const STOPPED_ERROR_CODES = ['cancelled', 'timed-out'] as const;

export type NonRetryableErrorCode = (typeof NON_RETRYABLE_ERROR_CODES)[number];
export type SyncErrorCode = NonRetryableErrorCode | (typeof OUTAGE_ERROR_CODES)[number] | (typeof STOPPED_ERROR_CODES)[number] | 'internal';

export interface SyncError {
  code: SyncErrorCode;
  message: string;
}

export function isSyncErrorCode(value: unknown): value is SyncErrorCode {
  if (typeof value !== 'string') return false;
  return ([...NON_RETRYABLE_ERROR_CODES, ...OUTAGE_ERROR_CODES, ...STOPPED_ERROR_CODES, 'internal'] as readonly string[]).includes(value);
}
