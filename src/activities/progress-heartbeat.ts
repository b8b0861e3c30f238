/** What a heartbeat needs from the running activity's context. */
export interface HeartbeatTarget {
  heartbeat(details?: unknown): void;
  info: { heartbeatTimeoutMs?: number | undefined };
}

export interface ProgressHeartbeat {
  /** The work moved: the heartbeats go on (and carry `details` from now on, when given). */
  progressed(details?: unknown): void;
  stop(): void;
}

const DEFAULT_INTERVAL_MS = 2_000;

/**
 * How long a sync activity may go without progress before its heartbeats stop: longer than any
 * single request may take under its deadlines, short enough that a wedged attempt ends in minutes.
 */
export const SYNC_STALL_MS = 120_000;

/**
 * Heartbeats on a clock, so long steps between progress reports (a huge tree, a large blob's
 * upload) never look like a dead worker — but only while the work moves. Once nothing progressed
 * for `stallMs`, the heartbeats stop, Temporal's heartbeat timeout fails the attempt, and the
 * retry starts afresh: a hung connection or a wedged stream frees the project's writer in
 * minutes instead of holding it until the activity's own timeout, hours away.
 */
export function heartbeatWhileProgressing(target: HeartbeatTarget, options: { stallMs: number; intervalMs?: number; now?: () => number }): ProgressHeartbeat {
  const { stallMs, now = Date.now } = options;
  // Often enough that a heartbeat timeout only ever means a lost worker or stalled work.
  const timeoutMs = target.info.heartbeatTimeoutMs;
  const intervalMs = options.intervalMs ?? (timeoutMs ? Math.min(DEFAULT_INTERVAL_MS, timeoutMs / 4) : DEFAULT_INTERVAL_MS);
  let lastProgressAt = now();
  let details: unknown;
  const ticker = setInterval(() => {
    if (now() - lastProgressAt < stallMs) target.heartbeat(details);
  }, intervalMs);
  return {
    progressed(next) {
      lastProgressAt = now();
      if (next !== undefined) details = next;
    },
    stop() {
      clearInterval(ticker);
    },
  };
}

/** What the work inside `withHeartbeat` sees: it reports progress, the helper stops the clock. */
export type Heartbeat = Pick<ProgressHeartbeat, 'progressed'>;

/**
 * Runs `work` with heartbeats on a clock (as `heartbeatWhileProgressing`), stopping them however
 * the work ends. `work` reports its progress through the handle it is given.
 */
export async function withHeartbeat<T>(target: HeartbeatTarget, options: { stallMs: number; intervalMs?: number }, work: (beat: Heartbeat) => Promise<T>): Promise<T> {
  const beat = heartbeatWhileProgressing(target, options);
  try {
    return await work(beat);
  } finally {
    beat.stop();
  }
}
