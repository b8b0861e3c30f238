/**
 * At most `limit` holders at once per key (a tenant); one more is refused, never queued, so a
 * caller that floods the API gets an answer at once instead of piling up bodies in memory.
 */
export interface ConcurrencyLimiter {
  /** A release function, or undefined when the key already holds `limit` slots. Release is idempotent. */
  tryAcquire(key: string): (() => void) | undefined;
}

export function createConcurrencyLimiter(limit: number): ConcurrencyLimiter {
  const held = new Map<string, number>();
  return {
    tryAcquire(key) {
      const count = held.get(key) ?? 0;
      if (count >= limit) return undefined;
      held.set(key, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (held.get(key) ?? 1) - 1;
        if (left > 0) held.set(key, left);
        else held.delete(key);
      };
    },
  };
}
