import { describe, expect, it } from 'vitest';
import { observeRateHeaders } from '../../src/github/request-budget.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const inSeconds = (seconds: number) => String(Math.floor(NOW / 1000) + seconds);

describe("reading GitHub's rate-limit headers", () => {
  it('reads the budget of a core answer', () => {
    expect(observeRateHeaders({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4990', 'x-ratelimit-used': '10', 'x-ratelimit-reset': inSeconds(1800), 'x-ratelimit-resource': 'core' }, 200, NOW)).toEqual({
      limit: 5000,
      remaining: 4990,
      used: 10,
      resetAt: new Date((Math.floor(NOW / 1000) + 1800) * 1000),
    });
  });

  it('ignores the budgets of other resources, which are not the core one', () => {
    expect(observeRateHeaders({ 'x-ratelimit-limit': '30', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(30), 'x-ratelimit-resource': 'search' }, 403, NOW)).toBeUndefined();
  });

  it('believes no header that is not a plain number in range', () => {
    const observed = observeRateHeaders(
      { 'x-ratelimit-limit': '5e3', 'x-ratelimit-remaining': '-1', 'x-ratelimit-used': '99999999999999', 'x-ratelimit-reset': inSeconds(30 * 24 * 3600) },
      200,
      NOW,
    );
    expect(observed).toBeUndefined();
    // Remaining above the limit is a lie too.
    expect(observeRateHeaders({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '500' }, 200, NOW)).toEqual({ limit: 100 });
  });

  it('holds requests back until the moment a rate-limited answer names, never for an implausible time', () => {
    expect(observeRateHeaders({ 'retry-after': '30' }, 429, NOW)).toEqual({ blockedUntil: new Date(NOW + 31_000) });
    expect(observeRateHeaders({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(600) }, 403, NOW)).toMatchObject({ remaining: 0, blockedUntil: new Date((Math.floor(NOW / 1000) + 600) * 1000 + 1_000) });
    // A retry-after of years is clamped to the longest window GitHub has, just over an hour.
    expect(observeRateHeaders({ 'retry-after': '99999999' }, 429, NOW)!.blockedUntil!.getTime()).toBeLessThanOrEqual(NOW + 65 * 60_000);
    // A 403 that is not a rate limit holds nothing back.
    expect(observeRateHeaders({}, 403, NOW)).toBeUndefined();
  });
});
