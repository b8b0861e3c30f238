import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { isSyncErrorCode, type SyncErrorCode } from '../shared/error-codes.js';

/** The code and message a user sees, from the failure an activity ended with. */
export function describeFailure(error: unknown): { code: SyncErrorCode; message: string } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && isSyncErrorCode(cause.type)) return { code: cause.type, message: cause.message };
  // A worker that stops heartbeating was killed or ran out of memory: not a bug in the sync.
  if (error instanceof ActivityFailure && cause instanceof TimeoutFailure && cause.timeoutType === 'HEARTBEAT') {
    return { code: 'worker-lost', message: `${error.activityType} lost its worker on every attempt: ${cause.message}` };
  }
  if (error instanceof ActivityFailure && cause instanceof Error) return { code: 'internal', message: `${error.activityType ?? 'an activity'} failed: ${cause.message}` };
  return { code: 'internal', message: cause instanceof Error ? cause.message : String(cause) };
}
