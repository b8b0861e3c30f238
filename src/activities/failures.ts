import { ApplicationFailure } from '@temporalio/common';
import type { SyncErrorCode } from '../shared/error-codes.js';

/** A failure a retry cannot fix, with the code users see. */
export function permanentFailure(code: SyncErrorCode, message: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, ...(cause instanceof Error ? { cause } : {}) });
}

/** A failure worth retrying, labelled with the code to report if the retries run out. */
export function transientFailure(code: SyncErrorCode, message: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: false, ...(cause instanceof Error ? { cause } : {}) });
}
