import { ApplicationFailure } from '@temporalio/common';
import type { SyncErrorCode } from '../shared/error-codes.js';
import type { RetryAfterDetails } from '../shared/retry-after.js';
import { NoCredentialsError } from './project-client.js';
import { rateLimitWaitMs } from './rate-limit-wait.js';
import { CredentialBudgetWait } from './request-budget.js';

/** A failure a retry cannot fix, with the code users see. */
export function permanentFailure(code: SyncErrorCode, message: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, ...(cause instanceof Error ? { cause } : {}) });
}

/** A failure worth retrying, labelled with the code to report if the retries run out. */
export function transientFailure(code: SyncErrorCode, message: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: false, ...(cause instanceof Error ? { cause } : {}) });
}

/**
 * Maps an error from GitHub to what Temporal should do with it: 401 and 404 are final
 * (retrying cannot help), rate limits and 5xx are thrown as retryable so the activity's retry
 * policy waits and tries again — after a rate limit, no sooner than GitHub said to come back.
 */
export function githubFailure(error: unknown, what: string): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof NoCredentialsError) return permanentFailure('no-credentials', error.message, error);
  // Our own pacing, not an outage: the next attempt is due when the budget comes back.
  if (error instanceof CredentialBudgetWait) {
    return ApplicationFailure.create({
      type: 'github-unavailable',
      message: `${what}: ${error.message}`,
      nonRetryable: false,
      nextRetryDelay: error.waitMs,
      details: [{ retryAfterMs: error.waitMs, deferred: true } satisfies RetryAfterDetails],
      cause: error,
    });
  }
  const status = (error as { status?: number }).status;
  const detail = (error as Error).message ?? String(error);
  if (status === 401) return permanentFailure('auth-failed', `GitHub rejected the credentials (401) for ${what}`, error);
  if (status === 404) return permanentFailure('not-found', `${what} was not found on GitHub (404), or the credentials cannot see it`, error);
  if (status === 429 || (status === 403 && isRateLimit(error))) {
    const waitMs = rateLimitWaitMs(responseHeaders(error), Date.now());
    return ApplicationFailure.create({
      type: 'github-unavailable',
      message: `GitHub rate limit for ${what}: ${detail}`,
      nonRetryable: false,
      ...(waitMs !== undefined ? { nextRetryDelay: waitMs, details: [{ retryAfterMs: waitMs } satisfies RetryAfterDetails] } : {}),
      ...(error instanceof Error ? { cause: error } : {}),
    });
  }
  // A 403 that is not a rate limit is a permission GitHub will keep refusing.
  if (status === 403) return permanentFailure('auth-failed', `GitHub refused access (403) to ${what}: ${detail}`, error);
  return transientFailure('github-unavailable', `GitHub request for ${what} failed: ${detail}`, error);
}

function responseHeaders(error: unknown): Record<string, string> {
  return ((error as { response?: { headers?: Record<string, string> } }).response?.headers ?? (error as { headers?: Record<string, string> }).headers ?? {}) as Record<string, string>;
}

/** https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api#rate-limit-errors */
function isRateLimit(error: unknown): boolean {
  const headers = responseHeaders(error);
  return headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test((error as Error).message ?? '');
}
