/** The longest wait taken from GitHub's headers: a primary limit resets within the hour. */
const MAX_WAIT_MS = 65 * 60_000;
/** Come back just after the moment GitHub names, never before it (clocks differ by a little). */
const MARGIN_MS = 1_000;

/**
 * How long GitHub asked us to wait before the next request, from a rate-limited answer's
 * headers: `retry-after` (seconds) first, then `x-ratelimit-reset` (epoch seconds) when the
 * primary limit is spent. Undefined when the answer names no time, or names one that is not a
 * plausible number (the headers come from the network: a huge or negative value is ignored or
 * clamped, never trusted to park a sync for days).
 * https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately
 */
export function rateLimitWaitMs(headers: Record<string, string | undefined>, nowMs: number): number | undefined {
  const retryAfter = seconds(headers['retry-after']);
  if (retryAfter !== undefined) return clamp(retryAfter * 1000 + MARGIN_MS);
  const reset = seconds(headers['x-ratelimit-reset']);
  if (reset !== undefined && headers['x-ratelimit-remaining'] === '0') return clamp(reset * 1000 - nowMs + MARGIN_MS);
  return undefined;
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,12}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

function clamp(ms: number): number {
  return Math.min(Math.max(ms, MARGIN_MS), MAX_WAIT_MS);
}
