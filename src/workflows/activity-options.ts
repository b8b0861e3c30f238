import type { ActivityOptions } from '@temporalio/workflow';

/** Retries with backoff up to a budget of a few minutes; outages past it fail the sync with a code. */
const retryPolicy = (maximumAttempts: number) => ({ initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts });

/** Database bookkeeping: opening and closing operations. */
export const bookkeeping = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '30 seconds', retry: retryPolicy(maximumAttempts) });
/** A few GitHub API calls. */
export const githubCall = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '2 minutes', retry: retryPolicy(maximumAttempts) });
/** Long imports: a silent worker is presumed dead after the heartbeat timeout, and the work resumes elsewhere. */
export const streaming = (maximumAttempts: number): ActivityOptions => ({ startToCloseTimeout: '4 hours', heartbeatTimeout: '20 seconds', retry: retryPolicy(maximumAttempts) });
