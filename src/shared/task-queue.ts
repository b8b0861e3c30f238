/** The default task queue; TEMPORAL_TASK_QUEUE overrides it (tests use one per file). */
export const DEFAULT_TASK_QUEUE = 'reposync';

/**
 * The task queue of the long, streaming activities (imports, incremental syncs, outbound commits,
 * verifies) of the workflows on `taskQueue`. Workers serve it with a bounded number of slots of
 * its own, so a fleet of imports never holds the slots that bookkeeping and polling need.
 */
export function streamingTaskQueue(taskQueue: string): string {
  return `${taskQueue}-streaming`;
}
