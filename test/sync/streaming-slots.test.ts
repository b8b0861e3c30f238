import { WorkflowNotFoundError } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { until } from '../support/until.js';

const { PENDING_ACTIVITY_STATE_STARTED, PENDING_ACTIVITY_STATE_SCHEDULED } = proto.api.enums.v1.PendingActivityState;
const ARCHIVE_DELAY_MS = 8_000;
let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness({ env: { STREAMING_ACTIVITY_SLOTS: '1' } });
});
afterAll(() => h.close());

async function repository(name: string) {
  await h.github.repos.create('octo', name, {});
  await h.github.repos.commit('octo', name, { message: 'initial', files: { 'a.txt': `${name}\n` } });
  return (await h.link('octo', name)).id;
}

/** The state of the import activity of a project's InitialSync, or null before it is scheduled. */
async function importState(workflowId: string) {
  // Requests are accepted at once: the child starts when the writer takes the request up.
  const described = await h.temporal.workflow.getHandle(workflowId).describe().catch((error: unknown) => {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  });
  if (!described) return null;
  const { raw } = described;
  const pending = raw.pendingActivities?.find((activity) => activity.activityType?.name === 'importSnapshot');
  return pending?.state ?? null;
}

describe('streaming activities on a task queue of their own', () => {
  it('with every streaming slot held by a slow import, a poll still runs at once; the next import waits for the slot', async () => {
    const quick = await repository('quick');
    expect((await h.initialSync(quick)).status).toBe('synced');

    const slow = [await repository('slow-a'), await repository('slow-b')];
    for (const name of ['slow-a', 'slow-b']) h.github.faults.add({ path: `/octo/${name}/legacy.zip`, delayMs: ARCHIVE_DELAY_MS, times: 1 });
    const imports = await Promise.all(
      slow.map(async (id) => {
        const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
        expect(started.statusCode, started.body).toBe(202);
        return started.json().workflowId as string;
      }),
    );
    // One slot: one import runs, the other is scheduled on the streaming queue and waits.
    const states = await until(() => Promise.all(imports.map(importState)), (s) => s.includes(PENDING_ACTIVITY_STATE_STARTED) && s.includes(PENDING_ACTIVITY_STATE_SCHEDULED), 'one import running and one waiting');
    const running = imports[states.indexOf(PENDING_ACTIVITY_STATE_STARTED)]!;

    // The poll runs round after round; a one-second interval reads every project's head at once.
    const headReads = () => h.github.requests.filter('GET /repos/{owner}/{repo}/branches/{branch}').filter((entry) => entry.path === '/repos/octo/quick/branches/main').length;
    const readsBefore = headReads();
    const pollStarted = Date.now();
    const poll = await h.temporal.workflow.start('pollProjects', {
      workflowId: `poll-projects/${h.config.temporal.taskQueue}`,
      taskQueue: h.config.temporal.taskQueue,
      args: [{ concurrency: 4, maximumAttempts: 3, intervalMs: 1_000, stretchMs: 500 }],
    });
    await until(async () => headReads(), (reads) => reads > readsBefore, 'the poll to read the project head', ARCHIVE_DELAY_MS);
    const pollMs = Date.now() - pollStarted;
    await poll.terminate('measured');
    // Done well inside the import's stall, which still holds the slot.
    expect(pollMs).toBeLessThan(ARCHIVE_DELAY_MS / 2);
    expect(await importState(running)).toBe(PENDING_ACTIVITY_STATE_STARTED);

    // Both imports end synced, one after the other.
    // Both children exist by now (one ran, one was scheduled above).
    for (const workflowId of imports) await h.temporal.workflow.getHandle(workflowId).result();
    for (const id of slow) {
      const status = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
      expect(status.status).toBe('synced');
    }
  }, 90_000);
});
