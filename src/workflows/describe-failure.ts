import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { isSyncErrorCode, type SyncErrorCode } from '../shared/error-codes.js';

/** The code and message a user sees, from the failure an activity ended with. */
export function describeFailure(error: unknown): { code: SyncErrorCode; message: string } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && isSyncErrorCode(cause.type)) return { code: cause.type, message: cause.message };
  if (error instanceof ActivityFailure && cause instanceof Error) return { code: 'internal', message: `${error.activityType ?? 'an activity'} failed: ${cause.message}` };
  return { code: 'internal', message: cause instanceof Error ? cause.message : String(cause) };
}
