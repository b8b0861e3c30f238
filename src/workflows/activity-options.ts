import { ActivityCancellationType, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import { streamingTaskQueue } from '../shared/task-queue.js';

/** Retries with backoff up to a budget of a few minutes; outages past it fail the sync with a code. */
export const retryPolicy = (maximumAttempts: number) => ({ initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts });

/** Seconds without a heartbeat after which a long activity's worker is presumed dead. */
export const DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 20;

/** Database bookkeeping: opening and closing operations. */
export const bookkeeping = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '30 seconds', retry: retryPolicy(maximumAttempts) });
/**
 * A few GitHub API calls. A rate-limited attempt fails at once with the delay GitHub named (up to
 * an hour), and Temporal schedules the next attempt then: each such wait costs one attempt, not
 * minutes of backoff, and the whole call, waits included, is bounded in time.
 */
export const githubCall = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '2 minutes', scheduleToCloseTimeout: '3 hours', retry: retryPolicy(maximumAttempts) });
/** Where long activities run: the workflow's own task queue's streaming queue, with slots of its own. */
const onStreamingQueue = () => ({ taskQueue: streamingTaskQueue(workflowInfo().taskQueue) });

/**
 * Long imports: a silent worker is presumed dead after the heartbeat timeout, and the work resumes
 * elsewhere. They run on the streaming task queue, apart from bookkeeping and polling. Rate limits
 * are waited out between attempts, as for `githubCall`.
 */
export const streaming = (maximumAttempts: number, heartbeatTimeoutSeconds = DEFAULT_HEARTBEAT_TIMEOUT_SECONDS): ActivityOptions => ({
  ...onStreamingQueue(),
  startToCloseTimeout: '4 hours',
  scheduleToCloseTimeout: '12 hours',
  heartbeatTimeout: `${heartbeatTimeoutSeconds} seconds`,
  retry: retryPolicy(maximumAttempts),
});
/**
 * One attempt of a resumable import: the workflow retries it itself (see resumable-activity.ts),
 * keeping lost workers apart from outages.
 */
export const resumableAttempt = (heartbeatTimeoutSeconds = DEFAULT_HEARTBEAT_TIMEOUT_SECONDS): ActivityOptions => ({
  ...onStreamingQueue(),
  startToCloseTimeout: '4 hours',
  heartbeatTimeout: `${heartbeatTimeoutSeconds} seconds`,
  retry: { maximumAttempts: 1 },
});

/**
 * An import attempt that a cancelled or timed-out sync waits for: it sees the cancellation at its
 * next heartbeat and stops, so nothing it writes afterwards contradicts the recorded ending.
 */
export const cancellableImport = (heartbeatTimeoutSeconds = DEFAULT_HEARTBEAT_TIMEOUT_SECONDS): ActivityOptions => ({
  ...resumableAttempt(heartbeatTimeoutSeconds),
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** An outbound commit that a cancelled or timed-out sync waits for, so no ref moves after the ending is recorded. */
export const cancellableCommit = (maximumAttempts: number): ActivityOptions => ({
  ...streaming(maximumAttempts),
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/**
 * How long an import may run before it stops and records `timed-out`. Shorter than the execution
 * timeout its writer gives it, which is only the backstop for bookkeeping that itself hangs.
 */
export const INITIAL_SYNC_DEADLINE = '345 minutes';
/** How long a verify may run before it stops and records `timed-out`, inside its writer's execution timeout. */
export const VERIFY_DEADLINE = '345 minutes';
/** How long an outbound commit may run before it stops and records `timed-out`. */
export const OUTBOUND_SYNC_DEADLINE = '2 hours';

/**
 * The wait before re-running after the n-th outage failure: the same backoff as `retryPolicy`,
 * or longer when the failure says when to come back (GitHub's rate-limit reset).
 */
export function outageBackoffMs(failures: number, nextRetryDelayMs?: number): number {
  return Math.max(Math.min(1_000 * 2 ** (failures - 1), 30_000), nextRetryDelayMs ?? 0);
}
