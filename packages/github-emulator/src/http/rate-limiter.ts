export interface RateState {
  limit: number;
  used: number;
  remaining: number;
  /** Unix seconds when the window resets. */
  reset: number;
}

/**
 * GitHub's primary rate limit: a fixed hourly window per credential — per token, per IP when
 * anonymous, and one shared budget for every token of an App installation.
 * https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#primary-rate-limit-for-authenticated-users
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { limit: number; used: number; reset: number }>();
  /** Budgets set for one credential, overriding the emulator-wide default. */
  private readonly overrides = new Map<string, number>();

  /** Gives one credential key (`installation:<id>`, `pat:<token>`, `ip:<addr>`) its own hourly budget. */
  setLimit(key: string, limit: number): void {
    this.overrides.set(key, limit);
    const bucket = this.buckets.get(key);
    if (bucket) bucket.limit = limit;
  }

  state(key: string, defaultLimit: number, now = Date.now()): RateState {
    const limit = this.overrides.get(key) ?? defaultLimit;
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.reset * 1000 <= now) {
      bucket = { limit, used: 0, reset: Math.floor(now / 1000) + 3600 };
      this.buckets.set(key, bucket);
    }
    return { limit: bucket.limit, used: bucket.used, remaining: Math.max(0, bucket.limit - bucket.used), reset: bucket.reset };
  }

  consume(key: string, limit: number): RateState {
    this.state(key, limit);
    const bucket = this.buckets.get(key)!;
    bucket.used += 1;
    return this.state(key, limit);
  }

  /** Gives back a point taken for a request that turned out to cost none (a 304). */
  refund(key: string, limit: number): RateState {
    this.state(key, limit);
    const bucket = this.buckets.get(key)!;
    bucket.used = Math.max(0, bucket.used - 1);
    return this.state(key, limit);
  }

  /** Uses up a bucket (or all of them), to test primary-limit handling without 5000 requests. */
  exhaust(key?: string, resetInSeconds = 60): void {
    const now = Math.floor(Date.now() / 1000);
    for (const [k, bucket] of this.buckets) {
      if (key !== undefined && k !== key) continue;
      bucket.used = bucket.limit;
      bucket.reset = now + resetInSeconds;
    }
  }

  /** Starts every window afresh; budgets set with `setLimit` stay. */
  reset(): void {
    this.buckets.clear();
  }
}

export function rateHeaders(state: RateState): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-reset': String(state.reset),
    'x-ratelimit-used': String(state.used),
    'x-ratelimit-resource': 'core',
  };
}
