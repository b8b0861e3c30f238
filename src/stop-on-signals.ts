import type { Logger } from './logger.js';

/** One thing to stop, and the longest it may take before the next one goes ahead regardless. */
export interface StopStep {
  name: string;
  timeoutMs: number;
  run(): Promise<unknown>;
}

export interface Stopper {
  /** Registers how to stop what was just started; steps run last-registered first. */
  defer(step: StopStep): void;
  readonly stopping: boolean;
}

/**
 * Whatever a process was doing, it exits this long after SIGINT/SIGTERM: orchestrators and
 * operators wait about 30 s (Docker's and Kubernetes' default grace) before they SIGKILL.
 */
export const HARD_EXIT_MS = 25_000;

/**
 * On the first SIGINT or SIGTERM, stops what was started in the reverse order of starting it —
 * so what takes work in (the API) stops before what does the work (the worker), and that before
 * what the work needs (the database, the Temporal server) — each step bounded by its timeout,
 * so one that hangs is logged and passed; then exits 0. A timer exits 1 at HARD_EXIT_MS if the
 * steps are not done by then. Later signals are ignored: a process-group signal can arrive twice
 * (once from the terminal, once relayed by a wrapper such as npm or tsx).
 */
export function stopOnSignals(log: Pick<Logger, 'info' | 'warn' | 'error'>): Stopper {
  const steps: StopStep[] = [];
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const hardExit = setTimeout(() => {
      log.error({ afterMs: HARD_EXIT_MS }, 'could not stop in time: exiting anyway');
      process.exit(1);
    }, HARD_EXIT_MS);
    hardExit.unref();
    for (const step of steps.reverse()) {
      const started = Date.now();
      try {
        await withTimeout(step.run(), step.timeoutMs);
      } catch (error) {
        log.warn({ step: step.name, ms: Date.now() - started, err: error }, 'a shutdown step failed or timed out; going on');
      }
    }
    log.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, (received) => void stop(received));
  return {
    defer: (step) => steps.push(step),
    get stopping() {
      return stopping;
    },
  };
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
