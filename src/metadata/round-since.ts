/** The step `since` values are rounded down to: a repeated poll then sends the very same URL. */
export const SINCE_STEP_MS = 60 * 60 * 1000;

/**
 * Rounds a cursor down to the step, so polls within the same hour ask GitHub the identical
 * question and its conditional-request cache answers 304, which costs no rate limit:
 * https://docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
 * Items re-listed because of the rounding are upserted, never duplicated.
 */
export function roundSince(cursor: string | null, stepMs = SINCE_STEP_MS): string | undefined {
  if (cursor === null) return undefined;
  const ms = Date.parse(cursor);
  if (Number.isNaN(ms)) return undefined;
  return new Date(Math.floor(ms / stepMs) * stepMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
