import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config.js';
import type { GarbageCollectionInput } from '../shared/garbage-collection.js';

export const gcScheduleId = (taskQueue: string) => `garbage-collection/${taskQueue}`;

/**
 * Creates the garbage collection's Schedule, or brings an existing one to the configured settings;
 * an interval of 0 removes it. Safe to call from every worker at every start.
 */
export async function ensureGcSchedule(temporal: Client, config: Pick<Config, 'temporal' | 'gc'>): Promise<'created' | 'updated' | 'disabled'> {
  const { taskQueue } = config.temporal;
  const scheduleId = gcScheduleId(taskQueue);
  const { intervalHours, graceHours, keepSnapshots } = config.gc;
  if (intervalHours === 0) {
    await temporal.schedule
      .getHandle(scheduleId)
      .delete()
      .catch((error: unknown) => {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      });
    return 'disabled';
  }
  const input: GarbageCollectionInput = { graceHours, keepSnapshots };
  const options = {
    scheduleId,
    spec: { intervals: [{ every: `${intervalHours} hours` }], jitter: '10 minutes' },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'garbageCollection',
      workflowId: gcScheduleId(taskQueue),
      taskQueue,
      args: [input],
      staticSummary: `collect blob-store garbage every ${intervalHours} h (grace ${graceHours} h, keep ${keepSnapshots || 'all'} snapshots)`,
    },
    // Never two collections at once, and a missed one is not made up: the next does the same work.
    policies: { overlap: 'SKIP' as const, catchupWindow: '1 minute' },
  } satisfies ScheduleOptions;
  try {
    await temporal.schedule.create(options);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await temporal.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, ...options.policies } }));
  return 'updated';
}
