import { ApplicationFailure } from '@temporalio/common';
import type { SyncErrorCode } from '../shared/error-codes.js';
import type { RetryAfterDetails } from '../shared/retry-after.js';
import { NoCredentialsError } from './project-client.js';
import { rateLimitWaitMs } from './rate-limit-wait.js';
import { CredentialBudgetWait } from './request-budget.js';

/**
 * Maps an error from GitHub to what Temporal should do with it: 401 and 404 are final
 * (retrying cannot help), rate limits and 5xx are thrown as retryable so the activity's retry
 * policy waits and tries again — after a rate limit, no sooner than GitHub said to come back.
 */
export function githubFailure(error: unknown, what: string): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof NoCredentialsError) return failure('no-credentials', error.message, error, { nonRetryable: true });
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
  if (status === 401) return failure('auth-failed', `GitHub rejected the credentials (401) for ${what}`, error, { nonRetryable: true });
  if (status === 404) return failure('not-found', `${what} was not found on GitHub (404), or the credentials cannot see it`, error, { nonRetryable: true });
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
  if (status === 403) return failure('auth-failed', `GitHub refused access (403) to ${what}: ${detail}`, error, { nonRetryable: true });
  return failure('github-unavailable', `GitHub request for ${what} failed: ${detail}`, error, { nonRetryable: false });
}

/** The failure of a GitHub call, by the code users see; `cause` is kept. */
function failure(code: SyncErrorCode, message: string, cause: unknown, { nonRetryable }: { nonRetryable: boolean }): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable, ...(cause instanceof Error ? { cause } : {}) });
}

function responseHeaders(error: unknown): Record<string, string> {
  return ((error as { response?: { headers?: Record<string, string> } }).response?.headers ?? (error as { headers?: Record<string, string> }).headers ?? {}) as Record<string, string>;
}

/** https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api#rate-limit-errors */
function isRateLimit(error: unknown): boolean {
  const headers = responseHeaders(error);
  return headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test((error as Error).message ?? '');
}
