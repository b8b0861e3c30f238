/** A background loop that works through requests recorded in the database. */
export interface DrainLoop {
  /** Drain now (after a request was recorded), instead of at the next tick. */
  kick(): void;
  /** Stops the ticks and waits for a drain in progress. */
  stop(): Promise<void>;
  readonly stopped: boolean;
}

/**
 * Runs `drainOnce` every `intervalMs` and whenever kicked, never two at once: a kick during a
 * drain runs one more round after it, and so does a round that reports more work (`true`). A
 * failing round is logged and left to the next tick, so an outage delays the work but never
 * loses it — the requests stay recorded until a round clears them.
 */
export function startDrainLoop(options: {
  drainOnce(): Promise<boolean>;
  intervalMs: number;
  log: { warn(fields: object, message: string): void };
  /** What the warning of a failed round says. */
  failureMessage: string;
}): DrainLoop {
  const { drainOnce, intervalMs, log, failureMessage } = options;
  let draining: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  function drain(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      try {
        do {
          again = false;
          if (await drainOnce()) again = true;
        } while (again && !stopped);
      } catch (error) {
        log.warn({ error: (error as Error).message }, failureMessage);
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  }

  const timer = setInterval(() => void drain(), intervalMs);
  timer.unref();
  // The first round starts once the caller holds the loop (its drainOnce may read `stopped`).
  queueMicrotask(() => void drain());
  return {
    kick: () => void drain(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await draining;
    },
    get stopped() {
      return stopped;
    },
  };
}
