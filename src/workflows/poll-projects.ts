import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PollCounts, PollProjectsInput, PollProjectsResult } from '../shared/poll-projects.js';
import { retryPolicy } from './activity-options.js';

/** The interval Schedules created before the poll carried its interval ran at. */
const DEFAULT_INTERVAL_MS = 5 * 60 * 1000;
/**
 * Attempt budgets for an input that names none (the Schedule names SYNC_MAX_ATTEMPTS, which then
 * serves both): a stretch's own, and that of the writers the poll wakes, a sync's usual budget.
 */
const DEFAULT_STRETCH_ATTEMPTS = 3;
const DEFAULT_WRITER_ATTEMPTS = 8;

/**
 * The polling failsafe: every enabled, imported project's branch head is checked once per
 * interval with one conditional request, at the project's own offset into the interval, and the
 * project's writer is signalled where the head moved. It catches pushes whose webhook never
 * arrived, and retries, with backoff, projects whose sync failed or that are behind the head last
 * seen.
 *
 * It runs for good, round after round, one activity per stretch of a round; the cursor (round and
 * last project polled) goes through continue-as-new and into the database, so neither a new run
 * nor a poll restarted by its Schedule after a crash starts the round again from the first
 * project. When another poll takes the cursor over, this one stops.
 */
export async function pollProjects(input: PollProjectsInput): Promise<PollProjectsResult> {
  const { intervalMs = input.retryBaseMs ?? DEFAULT_INTERVAL_MS, maximumAttempts = DEFAULT_STRETCH_ATTEMPTS, stretchesPerRun = 100, pageSize = 200 } = input;
  // A stretch hands its cursor back at least a few times per interval, at most every minute.
  const stretchMs = input.stretchMs ?? Math.min(Math.max(intervalMs / 5, 1_000), 60_000);
  const { taskQueue, firstExecutionRunId: owner } = workflowInfo();
  const { claimPollCursor } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '30 seconds' } });
  const { pollStretch } = proxyActivities<Activities>({
    startToCloseTimeout: stretchMs + 5 * 60_000,
    heartbeatTimeout: '2 minutes',
    retry: retryPolicy(maximumAttempts),
  });

  let cursor = input.cursor ?? (await claimPollCursor({ taskQueue, owner, intervalMs }));
  const total: PollProjectsResult = { checked: 0, notModified: 0, unchanged: 0, moved: 0, retried: 0, failed: 0, rounds: 0, superseded: false };
  for (let stretch = 0; stretch < stretchesPerRun && !workflowInfo().continueAsNewSuggested; stretch++) {
    const result = await pollStretch({
      taskQueue,
      owner,
      cursor,
      intervalMs,
      stretchMs,
      pageSize,
      concurrency: input.concurrency,
      ...(input.retryBaseMs !== undefined ? { retryBaseMs: input.retryBaseMs } : {}),
      ...(input.metadataIntervalMs ? { metadataIntervalMs: input.metadataIntervalMs } : {}),
      writer: { taskQueue, maximumAttempts: input.maximumAttempts ?? DEFAULT_WRITER_ATTEMPTS },
    });
    for (const key of Object.keys(total) as Array<keyof PollCounts>) total[key] += result[key];
    cursor = result.cursor;
    if (result.roundEnded) total.rounds += 1;
    if (result.superseded) {
      log.warn('another poll took the cursor over; this one stops', { taskQueue });
      return { ...total, superseded: true };
    }
  }
  return continueAsNew<typeof pollProjects>({ ...input, cursor });
}
