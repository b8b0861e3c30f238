import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config.js';
import type { PollProjectsInput } from '../shared/poll-projects.js';
import { searchAttributes } from '../shared/search-attributes.js';

export const pollScheduleId = (taskQueue: string) => `poll-projects/${taskQueue}`;

/**
 * Creates the polling failsafe's Schedule, or brings an existing one to the configured interval;
 * an interval of 0 removes it. Safe to call from every worker at every start.
 */
export async function ensurePollSchedule(temporal: Client, config: Pick<Config, 'temporal' | 'poll' | 'syncMaxAttempts'>): Promise<'created' | 'updated' | 'disabled'> {
  const { taskQueue } = config.temporal;
  const scheduleId = pollScheduleId(taskQueue);
  const { intervalSeconds, concurrency } = config.poll;
  if (intervalSeconds === 0) {
    await temporal.schedule
      .getHandle(scheduleId)
      .delete()
      .catch((error: unknown) => {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      });
    return 'disabled';
  }
  const intervalMs = intervalSeconds * 1000;
  const options = {
    scheduleId,
    // Jitter spreads the start of each poll, the spread each poll's requests, so a fleet of
    // projects (and of reposync deployments) never hits GitHub at one instant.
    spec: { intervals: [{ every: intervalMs }], jitter: Math.min(intervalMs / 10, 30_000) },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'pollProjects',
      workflowId: `poll-projects/${taskQueue}`,
      taskQueue,
      args: [{ concurrency, spreadMs: Math.min(intervalMs / 4, 60_000), maximumAttempts: config.syncMaxAttempts, retryBaseMs: intervalMs } satisfies PollProjectsInput],
      workflowExecutionTimeout: Math.max(intervalMs * 3, 60_000),
      typedSearchAttributes: [{ key: searchAttributes.syncKind, value: 'poll' }],
      staticSummary: `poll every enabled project's branch head, every ${intervalSeconds} s`,
    },
    // A poll still running when the next is due makes the next one pointless.
    policies: { overlap: 'SKIP' as const, catchupWindow: Math.max(intervalMs, 60_000) },
  } satisfies ScheduleOptions;
  try {
    await temporal.schedule.create(options);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await temporal.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, ...options.policies } }));
    return 'updated';
  }
}
