/**
 * What a failure that knows when to retry carries in its details: Temporal honours the
 * failure's `nextRetryDelay` for its own retries, but a workflow that retries an activity itself
 * does not receive that field, so the delay travels in the details too.
 */
export interface RetryAfterDetails {
  retryAfterMs: number;
}

/** The delay a failure's details ask for before the next attempt, if they name one. */
export function retryAfterMsOf(details: readonly unknown[] | null | undefined): number | undefined {
  const first = details?.[0] as Partial<RetryAfterDetails> | undefined;
  return typeof first?.retryAfterMs === 'number' && Number.isFinite(first.retryAfterMs) && first.retryAfterMs > 0 ? first.retryAfterMs : undefined;
}
