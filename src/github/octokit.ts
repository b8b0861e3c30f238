import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** Octokit with GitHub's recommended throttling and retries of 5xx and dropped connections. */
export const ReposyncOctokit = Octokit.plugin(throttling, retry);
export type ReposyncOctokit = InstanceType<typeof ReposyncOctokit>;

export interface OctokitOptions {
  baseUrl: string;
  /** A token, or undefined for an app-level client configured by @octokit/app. */
  auth?: string;
  /** Retries of one rate-limited request before it fails (each waits what GitHub says). */
  rateLimitRetries?: number;
  log?: { warn(message: string): void };
}

/**
 * A client for one sync: rate limits are waited out (`retry-after`, `x-ratelimit-reset`,
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api) a bounded number
 * of times, then surface so Temporal's own retry policy takes over.
 */
export function createOctokit(options: OctokitOptions): ReposyncOctokit {
  const { baseUrl, auth, rateLimitRetries = 3, log } = options;
  const warn = (message: string) => log?.warn(message);
  return new ReposyncOctokit({
    baseUrl,
    ...(auth ? { auth } : {}),
    userAgent: 'reposync',
    log: { debug: () => {}, info: () => {}, warn, error: warn },
    throttle: {
      onRateLimit: (retryAfter, request, _octokit, retryCount) => {
        warn(`rate limit on ${request.method} ${request.url}; retry ${retryCount + 1} in ${retryAfter}s`);
        return retryCount < rateLimitRetries;
      },
      onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
        warn(`secondary rate limit on ${request.method} ${request.url}; retry ${retryCount + 1} in ${retryAfter}s`);
        return retryCount < rateLimitRetries;
      },
    },
    retry: { retries: 3 },
  });
}
