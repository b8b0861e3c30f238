import { ScheduleAlreadyRunning, ScheduleNotFoundError, WorkflowNotFoundError, type Client, type ScheduleOptions } from '@temporalio/client';
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
  const { intervalSeconds, concurrency, metadataIntervalSeconds } = config.poll;
  if (intervalSeconds === 0) {
    await removePollSchedule(temporal, taskQueue);
    return 'disabled';
  }
  const intervalMs = intervalSeconds * 1000;
  const input: PollProjectsInput = {
    intervalMs,
    concurrency,
    maximumAttempts: config.syncMaxAttempts,
    retryBaseMs: intervalMs,
    ...(metadataIntervalSeconds > 0 ? { metadataIntervalMs: metadataIntervalSeconds * 1000 } : {}),
  };
  const options = {
    scheduleId,
    // The poll runs for good (continue-as-new) and the Schedule only starts it again when it has
    // stopped: a crash, a termination, an operator. Jitter spreads those starts across a fleet
    // of reposync deployments; the poll itself spreads its requests over the whole interval.
    spec: { intervals: [{ every: intervalMs }], jitter: Math.min(intervalMs / 10, 30_000) },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'pollProjects',
      workflowId: `poll-projects/${taskQueue}`,
      taskQueue,
      args: [input],
      typedSearchAttributes: [{ key: searchAttributes.syncKind, value: 'poll' }],
      staticSummary: `poll every enabled project's branch head, every ${intervalSeconds} s`,
    },
    // Never two polls at once: a start while one runs is skipped.
    policies: { overlap: 'SKIP' as const, catchupWindow: Math.max(intervalMs, 60_000) },
  } satisfies ScheduleOptions;
  try {
    await temporal.schedule.create(options);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = temporal.schedule.getHandle(scheduleId);
  let settingsChanged = false;
  await handle.update((previous) => {
    settingsChanged = previous.action.type !== 'startWorkflow' || JSON.stringify(previous.action.args ?? []) !== JSON.stringify(options.action.args);
    return { ...previous, spec: options.spec, action: options.action, policies: { ...previous.policies, ...options.policies } };
  });
  if (settingsChanged) await restartRunningPoll(temporal, scheduleId);
  return 'updated';
}

/** Stops the running poll (it runs for good) and removes its Schedule; nothing when there is none. */
export async function removePollSchedule(temporal: Client, taskQueue: string): Promise<void> {
  const scheduleId = pollScheduleId(taskQueue);
  try {
    await stopRunningPoll(temporal, scheduleId, 'the polling failsafe was switched off');
    await temporal.schedule.getHandle(scheduleId).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}

/**
 * A running poll keeps the settings it was started with: stop it and start it again at once, with
 * the new ones; it resumes its round from the cursor the database keeps.
 */
async function restartRunningPoll(temporal: Client, scheduleId: string): Promise<void> {
  if (await stopRunningPoll(temporal, scheduleId, 'the poll settings changed; the Schedule starts the poll again with them')) {
    await temporal.schedule.getHandle(scheduleId).trigger('ALLOW_ALL');
  }
}

/** Terminates the polls the Schedule started that still run; whether there was one. */
async function stopRunningPoll(temporal: Client, scheduleId: string, reason: string): Promise<boolean> {
  const { info } = await temporal.schedule.getHandle(scheduleId).describe();
  if (info.runningActions.length === 0) return false;
  await Promise.all(
    info.runningActions.map((action) =>
      temporal.workflow
        .getHandle(action.workflow.workflowId)
        .terminate(reason)
        .catch((error: unknown) => {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }),
    ),
  );
  return true;
}
