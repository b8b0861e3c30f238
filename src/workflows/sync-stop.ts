import type { Duration } from '@temporalio/common';
import { CancellationScope, patched } from '@temporalio/workflow';
import type { SyncError } from '../shared/error-codes.js';

/** Runs that began before syncs bounded themselves with a timer replay without it. */
const DEADLINE_PATCH = 'sync-deadline-timer';

export interface SyncStop {
  /** Runs the sync's work in a scope that the deadline (or a cancellation of the run) cancels. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Why the work was stopped, when it was: cancelled from outside, or past the deadline. */
  reason(): SyncError | undefined;
  /** Runs bookkeeping that must happen even though the run was cancelled or timed out. */
  record<T>(bookkeeping: () => Promise<T>): Promise<T>;
}

/**
 * A sync's own deadline and cancellation. A workflow execution timeout (or a terminate) ends a
 * run without letting it run any code, so the database would still say `syncing`; a timer
 * cancels the work instead and leaves the workflow alive to record how it ended. Bookkeeping
 * runs in a scope no cancellation reaches: an activity scheduled in a cancelled scope never
 * starts at all.
 */
export function syncStop(deadline: Duration): SyncStop {
  const scope = patched(DEADLINE_PATCH) ? new CancellationScope({ cancellable: true, timeout: deadline }) : new CancellationScope({ cancellable: true });
  return {
    run: (work) => scope.run(work),
    reason() {
      if (CancellationScope.current().consideredCancelled) return { code: 'cancelled', message: 'the sync was cancelled before it finished' };
      if (scope.consideredCancelled) return { code: 'timed-out', message: `the sync did not finish within its deadline (${String(deadline)})` };
      return undefined;
    },
    record: (bookkeeping) => CancellationScope.nonCancellable(bookkeeping),
  };
}
