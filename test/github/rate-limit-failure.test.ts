import { describe, expect, it } from 'vitest';
import { rateLimitWaitMs } from '../../src/github/rate-limit-wait.js';
import { githubFailure } from '../../src/github/sync-failure.js';
import { retryAfterMsOf } from '../../src/shared/retry-after.js';

const now = Date.parse('2026-11-30T12:00:00Z');
const epoch = (ms: number) => String(Math.floor(ms / 1000));

/** An error shaped as Octokit's RequestError: a status and the response's headers. */
function gitHubError(status: number, message: string, headers: Record<string, string>): Error {
  return Object.assign(new Error(message), { status, response: { status, headers, data: {} } });
}

describe('rateLimitWaitMs', () => {
  it('waits what retry-after says, just past it', () => {
    expect(rateLimitWaitMs({ 'retry-after': '30' }, now)).toBe(31_000);
  });

  it('waits until the primary limit resets when it is spent', () => {
    expect(rateLimitWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': epoch(now + 40 * 60_000) }, now)).toBe(40 * 60_000 + 1_000);
  });

  it('ignores a reset time while requests remain (a secondary limit without retry-after)', () => {
    expect(rateLimitWaitMs({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': epoch(now + 60_000) }, now)).toBeUndefined();
  });

  it('never trusts a hostile or broken header to park a sync for days or to retry at once', () => {
    expect(rateLimitWaitMs({ 'retry-after': '99999999' }, now)).toBe(65 * 60_000);
    expect(rateLimitWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': epoch(now - 3_600_000) }, now)).toBe(1_000);
    expect(rateLimitWaitMs({ 'retry-after': '-5' }, now)).toBeUndefined();
    expect(rateLimitWaitMs({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, now)).toBeUndefined();
  });
});

describe('githubFailure on a rate limit', () => {
  it('is retryable, and asks Temporal to retry when GitHub said to come back', () => {
    const reset = Math.floor(Date.now() / 1000) + 1200;
    const error = gitHubError(403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    const failure = githubFailure(error, 'o/r');
    expect(failure).toMatchObject({ type: 'github-unavailable', nonRetryable: false });
    expect(failure.nextRetryDelay).toBeGreaterThan(1_190_000);
    expect(failure.nextRetryDelay).toBeLessThanOrEqual(1_201_000);
    expect(retryAfterMsOf(failure.details)).toBe(failure.nextRetryDelay);
  });

  it('leaves the retry policy’s own backoff when GitHub names no time', () => {
    const error = gitHubError(502, 'Server Error', {});
    const failure = githubFailure(error, 'o/r');
    expect(failure).toMatchObject({ type: 'github-unavailable', nonRetryable: false });
    expect(failure.nextRetryDelay).toBeUndefined();
  });
});
