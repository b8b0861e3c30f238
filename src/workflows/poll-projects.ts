import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { PollPageResult, PollProjectsInput } from '../shared/poll-projects.js';

const PAGE_SIZE = 200;

/**
 * The polling failsafe (started by its Schedule): every enabled, imported project's branch head
 * is checked with one conditional request, and the project's writer is signalled where it moved.
 * It catches pushes whose webhook never arrived, and retries, with backoff, projects whose sync
 * failed or that are behind the head last seen.
 */
export async function pollProjects(input: PollProjectsInput): Promise<Omit<PollPageResult, 'next'>> {
  const { maximumAttempts = 3 } = input;
  const { pollPage } = proxyActivities<Activities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: '2 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts },
  });
  const total = { checked: 0, notModified: 0, unchanged: 0, moved: 0, retried: 0, failed: 0 };
  let after: string | null = null;
  do {
    const page: PollPageResult = await pollPage({
      after,
      limit: PAGE_SIZE,
      concurrency: input.concurrency,
      spreadMs: input.spreadMs,
      ...(input.retryBaseMs !== undefined ? { retryBaseMs: input.retryBaseMs } : {}),
      writer: { taskQueue: workflowInfo().taskQueue, maximumAttempts: input.maximumAttempts ?? 8 },
    });
    for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += page[key];
    after = page.next;
  } while (after !== null);
  return total;
}
