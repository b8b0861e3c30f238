import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { DEFAULT_REQUEST_TIMEOUTS, timedFetch, type RequestTimeouts } from './timed-fetch.js';

/** Octokit with GitHub's recommended throttling and retries of 5xx and dropped connections. */
export const ReposyncOctokit = Octokit.plugin(throttling, retry);
export type ReposyncOctokit = InstanceType<typeof ReposyncOctokit>;

export interface OctokitOptions {
  baseUrl: string;
  /** A token, or undefined for an app-level client configured by @octokit/app. */
  auth?: string;
  /**
   * The longest wait, in seconds, a rate-limited request sits out inside this process before it
   * is retried once. Longer waits (a primary limit can last an hour) fail the request at once.
   */
  maxRateLimitWaitSeconds?: number;
  log?: { warn(message: string): void };
  /** Deadlines for an answer and for a quiet body; GitHub's defaults when absent. */
  requestTimeouts?: RequestTimeouts;
}

/**
 * A client for one sync. A rate limit (`retry-after`, `x-ratelimit-reset`,
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api) is waited out
 * here only when GitHub asks for a pause of a few seconds; otherwise the request fails with
 * GitHub's answer, and `githubFailure` turns it into a Temporal retry scheduled for when GitHub
 * said to come back: a sleeping activity would hold a worker slot and outlive its timeout.
 * The retry plugin leaves 429 alone for the same reason (it would retry on its own clock).
 */
export function createOctokit(options: OctokitOptions): ReposyncOctokit {
  const { baseUrl, auth, maxRateLimitWaitSeconds = 5, log, requestTimeouts = DEFAULT_REQUEST_TIMEOUTS } = options;
  const warn = (message: string) => log?.warn(message);
  const waitHere = (kind: string, retryAfter: number, request: { method: string; url: string }, retryCount: number) => {
    const wait = retryCount === 0 && retryAfter <= maxRateLimitWaitSeconds;
    warn(`${kind} on ${request.method} ${request.url}: ${wait ? `retrying in ${retryAfter}s` : `GitHub asks to wait ${retryAfter}s; the activity retries then`}`);
    return wait;
  };
  return new ReposyncOctokit({
    baseUrl,
    ...(auth ? { auth } : {}),
    userAgent: 'reposync',
    request: { fetch: timedFetch(requestTimeouts) },
    log: { debug: () => {}, info: () => {}, warn, error: warn },
    throttle: {
      onRateLimit: (retryAfter, request, _octokit, retryCount) => waitHere('rate limit', retryAfter, request, retryCount),
      onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => waitHere('secondary rate limit', retryAfter, request, retryCount),
    },
    retry: { retries: 3, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
  });
}
