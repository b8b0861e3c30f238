import type { FaultRule } from './types.js';

export interface ActiveFault {
  readonly rule: FaultRule;
  /** How many requests the rule has answered or altered so far. */
  hits: number;
  remove(): void;
}

/**
 * What each field of a fault rule matches or does; the package README is generated from this
 * table, and a field missing here does not typecheck.
 */
export const FAULT_RULE_FIELDS = {
  method: 'matches only this HTTP method (any when absent)',
  path: 'matches this path and everything below it (a string), or the paths a RegExp accepts',
  times: 'applies to this many matching requests, then drops out (unlimited when absent)',
  status: 'answers with this status instead of the route, with `body` or a GitHub-style message',
  headers: 'adds these headers to the answer',
  body: 'the body of a `status` answer: JSON, or text when a string or Buffer',
  delayMs: 'waits this long before answering',
  holdUntil: 'holds the request until this promise settles, for work a test keeps running until it says so',
  cutAfterBytes: 'lets the route answer, then cuts the connection after this many body bytes',
  stallAfterBytes: 'lets the route answer, then sends nothing more after this many body bytes, keeping the connection open',
  reset: 'destroys the socket without answering (ECONNRESET on the client)',
  bytesPerSecond: 'lets the route answer, then sends its body no faster than this many bytes per second, as a slow link would',
} as const satisfies Record<keyof FaultRule, string>;

/**
 * Programmatic faults for API and codeload requests: fail the next N matching requests with a
 * status (5xx, 403/429 with `retry-after`), delay them, cut their body after K bytes, or reset
 * the connection. A string `path` matches that path and everything below it.
 */
export class FaultInjector {
  private readonly rules: ActiveFault[] = [];

  add(rule: FaultRule): ActiveFault {
    const active: ActiveFault = {
      rule,
      hits: 0,
      remove: () => {
        const i = this.rules.indexOf(active);
        if (i >= 0) this.rules.splice(i, 1);
      },
    };
    this.rules.push(active);
    return active;
  }

  /** A secondary rate limit: 403 (or 429) with `retry-after`, GitHub's documented answer. */
  secondaryRateLimit(options: { path: string | RegExp; method?: string; times?: number; status?: 403 | 429; retryAfter?: number }): ActiveFault {
    const { status = 403, retryAfter = 1, ...rest } = options;
    return this.add({
      ...rest,
      status,
      headers: { 'retry-after': String(retryAfter), 'x-ratelimit-remaining': '4999' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: String(status),
      },
    });
  }

  /** Takes the first rule matching the request and counts the hit; exhausted rules drop out. */
  take(method: string, path: string): FaultRule | null {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (typeof rule.path === 'string' ? !(path === rule.path || path.startsWith(rule.path.endsWith('/') ? rule.path : `${rule.path}/`)) : !rule.path.test(path)) {
        continue;
      }
      active.hits += 1;
      if (rule.times !== undefined && active.hits >= rule.times) active.remove();
      return rule;
    }
    return null;
  }

  clear(): void {
    this.rules.splice(0, this.rules.length);
  }
}
