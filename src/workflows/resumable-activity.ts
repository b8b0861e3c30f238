import { ActivityFailure, ApplicationFailure, isCancellation, sleep, TimeoutFailure } from '@temporalio/workflow';
import type { ImportCheckpoint } from '../shared/import-checkpoint.js';
import { isDeferral, retryAfterMsOf } from '../shared/retry-after.js';
import { outageBackoffMs } from './activity-options.js';

export interface ResumableBudget {
  /** Outage failures (storage, database, GitHub) before the last one fails the work. */
  maximumAttempts: number;
  /** Lost workers in a row with no saved progress between them before the work fails `worker-lost`. */
  maximumLostWithoutProgress: number;
}

/**
 * Runs one attempt after another of a resumable, heartbeating activity (scheduled with
 * `resumableAttempt`, one attempt each) until one ends. Two budgets, kept apart:
 * - a lost worker (killed, redeployed, out of memory: its heartbeat timed out) is re-run at once
 *   for as long as each loss comes with more saved work than the one before, so any number of
 *   deploys during a long import never spends the retries meant for outages;
 * - any other retryable failure is an outage, retried with backoff `maximumAttempts` times in all,
 *   no sooner than the failure asks (a rate limit names when GitHub takes requests again);
 * - a wait the credential's shared budget imposed (a deferral) is slept out and retried without
 *   counting, bounded by the work's own deadline rather than by the outage budget.
 * Non-retryable failures and cancellations end it at once.
 */
export async function runResumable<T>(attempt: () => Promise<T>, budget: ResumableBudget, onWait: (failure: ActivityFailure) => void = () => {}): Promise<T> {
  let outages = 0;
  let lostWithoutProgress = 0;
  let bestSaved = -1;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (isCancellation(error) || !(error instanceof ActivityFailure) || error.retryState === 'NON_RETRYABLE_FAILURE') throw error;
      const lost = lostWorkerCheckpoint(error);
      if (lost === undefined) {
        // Pacing by the credential's shared budget waits for the reset it names and costs no retry.
        const deferralMs = deferredRetryDelayMs(error);
        if (deferralMs !== undefined) {
          onWait(error);
          await sleep(deferralMs);
          continue;
        }
        outages += 1;
        if (outages >= budget.maximumAttempts) throw error;
        onWait(error);
        await sleep(outageBackoffMs(outages, requestedRetryDelayMs(error)));
        continue;
      }
      const saved = lost?.filesSaved ?? -1;
      if (saved > bestSaved) {
        bestSaved = saved;
        lostWithoutProgress = 0;
        continue;
      }
      lostWithoutProgress += 1;
      if (lostWithoutProgress >= budget.maximumLostWithoutProgress) {
        throw ApplicationFailure.create({
          type: 'worker-lost',
          message: `${error.activityType} lost its worker ${lostWithoutProgress + 1} times in a row without saving more work (the worker was killed or ran out of memory, or the import stalled)`,
          nonRetryable: true,
          cause: error,
        });
      }
    }
  }
}

/**
 * For an attempt whose worker stopped heartbeating: the last checkpoint it reported, or null when
 * it reported none. Undefined for any other failure.
 */
function lostWorkerCheckpoint(error: ActivityFailure): ImportCheckpoint | null | undefined {
  const { cause } = error;
  if (!(cause instanceof TimeoutFailure) || cause.timeoutType !== 'HEARTBEAT') return undefined;
  const details = cause.lastHeartbeatDetails as Partial<ImportCheckpoint> | undefined;
  return typeof details?.filesSaved === 'number' ? { phase: String(details.phase), filesSaved: details.filesSaved } : null;
}

/** The wait an attempt's failure asked for when it was our own pacing, not an outage, in ms. */
function deferredRetryDelayMs(error: ActivityFailure): number | undefined {
  const { cause } = error;
  return cause instanceof ApplicationFailure && isDeferral(cause.details) ? retryAfterMsOf(cause.details) : undefined;
}

/** The delay an attempt's failure asked for before the next attempt, in ms. */
function requestedRetryDelayMs(error: ActivityFailure): number | undefined {
  const { cause } = error;
  return cause instanceof ApplicationFailure ? retryAfterMsOf(cause.details) : undefined;
}
