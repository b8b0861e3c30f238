import { workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import { streamingTaskQueue } from '../shared/task-queue.js';

/** Retries with backoff up to a budget of a few minutes; outages past it fail the sync with a code. */
const retryPolicy = (maximumAttempts: number) => ({ initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts });

/** Seconds without a heartbeat after which a long activity's worker is presumed dead. */
export const DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 20;

/** Database bookkeeping: opening and closing operations. */
export const bookkeeping = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '30 seconds', retry: retryPolicy(maximumAttempts) });
/** A few GitHub API calls. */
export const githubCall = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '2 minutes', retry: retryPolicy(maximumAttempts) });
/** Where long activities run: the workflow's own task queue's streaming queue, with slots of its own. */
const onStreamingQueue = () => ({ taskQueue: streamingTaskQueue(workflowInfo().taskQueue) });

/**
 * Long imports: a silent worker is presumed dead after the heartbeat timeout, and the work resumes
 * elsewhere. They run on the streaming task queue, apart from bookkeeping and polling.
 */
export const streaming = (maximumAttempts: number, heartbeatTimeoutSeconds = DEFAULT_HEARTBEAT_TIMEOUT_SECONDS): ActivityOptions => ({
  ...onStreamingQueue(),
  startToCloseTimeout: '4 hours',
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

/** The wait before re-running after the n-th outage failure: the same backoff as `retryPolicy`. */
export function outageBackoffMs(failures: number): number {
  return Math.min(1_000 * 2 ** (failures - 1), 30_000);
}
