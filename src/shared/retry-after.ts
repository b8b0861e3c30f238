/**
 * What a failure that knows when to retry carries in its details: Temporal honours the
 * failure's `nextRetryDelay` for its own retries, but a workflow that retries an activity itself
 * does not receive that field, so the delay travels in the details too.
 */
export interface RetryAfterDetails {
  retryAfterMs: number;
  /**
   * True when the wait is our own pacing (the credential's shared budget is kept for other work
   * until its reset), not an outage: waiting it out spends none of the retries meant for outages.
   */
  deferred?: boolean;
}

/** The delay a failure's details ask for before the next attempt, if they name one. */
export function retryAfterMsOf(details: readonly unknown[] | null | undefined): number | undefined {
  const first = details?.[0] as Partial<RetryAfterDetails> | undefined;
  return typeof first?.retryAfterMs === 'number' && Number.isFinite(first.retryAfterMs) && first.retryAfterMs > 0 ? first.retryAfterMs : undefined;
}

/** Whether a failure's details say it was our own pacing rather than an outage. */
export function isDeferral(details: readonly unknown[] | null | undefined): boolean {
  return retryAfterMsOf(details) !== undefined && (details?.[0] as Partial<RetryAfterDetails>).deferred === true;
}
