import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PollProjectsInput } from '../../src/shared/poll-projects.js';
import { slotDueOffsetMs } from '../../src/sync/poll-slots.js';
import { seedPolledProjects, type SeededProject } from '../support/seed-polled-projects.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
const warnings: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
const polls: WorkflowHandleWithFirstExecutionRunId[] = [];

beforeAll(async () => {
  h = await startSyncHarness({ workerLog: { info: () => {}, warn: (message, fields) => warnings.push({ message, fields }) } });
});
afterEach(async () => {
  for (const poll of polls.splice(0)) await poll.terminate('test over').catch(() => {});
  await waitFor(async () => h.workers!.main.getStatus().numInFlightActivities === 0, 'the last poll activity to end', 15_000);
  // Each test polls its own projects, from a fresh cursor.
  await h.db.updateTable('projects').set({ enabled: false }).execute();
  await h.db.deleteFrom('poll_cursors').execute();
  h.github.requests.clear();
});
afterAll(() => h.close());

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check()); await sleep(100)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

/** Starts the poll as its Schedule would, under a new workflow id; the request log then holds only the poll's requests. */
async function startPoll(input: Partial<PollProjectsInput>): Promise<WorkflowHandleWithFirstExecutionRunId> {
  if (polls.length === 0) h.github.requests.clear();
  const args: PollProjectsInput = { concurrency: 4, maximumAttempts: 3, ...input };
  const handle = await h.temporal.workflow.start('pollProjects', { taskQueue: h.config.temporal.taskQueue, workflowId: `poll-projects/test-${randomUUID()}`, args: [args] });
  polls.push(handle);
  return handle;
}

function gate(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const cursor = () => h.db.selectFrom('poll_cursors').selectAll().where('task_queue', '=', h.config.temporal.taskQueue).executeTakeFirst();

/** When each project's branch was read, in order. */
function pollTimes(projects: SeededProject[]): Map<string, number[]> {
  const times = new Map(projects.map((project) => [project.id, [] as number[]]));
  const byRepository = new Map(projects.map((project) => [`/repos/${project.owner}/${project.repo}/branches/${project.branch}`, project.id]));
  for (const entry of h.github.requests.filter('GET /repos/{owner}/{repo}/branches/{branch}')) {
    const id = byRepository.get(entry.path);
    if (id) times.get(id)!.push(entry.at);
  }
  return times;
}

describe('the poll spread over its interval', () => {
  it('polls every project exactly once per interval, each at its own offset, across continue-as-new', async () => {
    const projects = await seedPolledProjects(h, { count: 24, repositories: 24, owner: 'spread', etags: true });
    const intervalMs = 3_000;
    // Two one-second stretches per run: the poll continues as new several times a round.
    const poll = await startPoll({ intervalMs, stretchMs: 1_000, stretchesPerRun: 2 });
    // Each round's start, as the cursor shows it: on the interval's beat, or later after an overrun
    // (a loaded machine can make a round late; it must still poll every project once).
    const roundStarts: number[] = [];
    await waitFor(
      async () => {
        const row = await cursor();
        if (row && roundStarts.at(-1) !== row.round_started_at.getTime()) roundStarts.push(row.round_started_at.getTime());
        return roundStarts.length > 3;
      },
      'three rounds',
      60_000,
    );

    const times = pollTimes(projects);
    for (const project of projects) {
      const offset = slotDueOffsetMs(project.pollSlot, intervalMs);
      for (let round = 0; round < 3; round++) {
        const due = roundStarts[round]! + offset;
        // Never before it is due, and exactly once from then until its slot in the next round.
        const inRound = times.get(project.id)!.filter((at) => at >= due - 5 && at < roundStarts[round + 1]! + offset - 5);
        expect(inRound, `project ${project.id} in round ${round}`).toHaveLength(1);
      }
    }
    expect(h.github.requests.filter('GET /repos/{owner}/{repo}/branches/{branch}').every((entry) => entry.status === 304 && entry.cost === 0)).toBe(true);
    const description = await poll.describe();
    expect(description.runId).not.toBe(poll.firstExecutionRunId);
    expect(description.status.name).toBe('RUNNING');
  }, 90_000);

  it('counts a round that overran its interval in /metrics and logs how far behind it is', async () => {
    await seedPolledProjects(h, { count: 6, repositories: 6, owner: 'slow', etags: true });
    // Six requests of 400 ms one at a time cannot fit a one-second interval.
    const slow = h.github.faults.add({ method: 'GET', path: /^\/repos\/slow\/[^/]+\/branches\//, delayMs: 400 });
    await startPoll({ intervalMs: 1_000, concurrency: 1, stretchMs: 1_000 });
    await waitFor(async () => ((await cursor())?.overruns ?? 0) >= 1, 'an overrun', 30_000);
    slow.remove();

    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    const value = (name: string) => Number(new RegExp(`^${name}\\{task_queue="${h.config.temporal.taskQueue}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(value('reposync_poll_overruns_total')).toBeGreaterThanOrEqual(1);
    expect(value('reposync_poll_last_overrun_seconds')).toBeGreaterThan(0.5);
    expect(value('reposync_poll_rounds_total')).toBeGreaterThanOrEqual(1);
    expect(value('reposync_poll_behind_seconds')).toBeGreaterThanOrEqual(0);
    const warning = warnings.find((entry) => entry.message.startsWith('poll round overran its 1 s interval'));
    expect(warning?.message).toMatch(/\d+\.\d s behind$/);
    expect(warning?.fields).toMatchObject({ taskQueue: h.config.temporal.taskQueue, behindMs: expect.any(Number), checked: 6 });
    expect(warning!.fields!.behindMs as number).toBeGreaterThan(500);
  }, 60_000);

  it('resumes a restarted poll from its cursor: no project of the round is polled twice or skipped', async () => {
    const projects = await seedPolledProjects(h, { count: 20, repositories: 20, owner: 'restart', etags: true });
    const intervalMs = 8_000;
    const first = await startPoll({ intervalMs, stretchMs: 1_000 });
    await waitFor(async () => ((await cursor())?.round_checked ?? 0) >= 6, 'a third of the round', 20_000);
    // The poll stops mid-round (a crash, a termination); its last activity ends on its own.
    await first.terminate('simulated crash');
    await waitFor(async () => h.workers!.main.getStatus().numInFlightActivities === 0, 'the stopped poll activity to end', 15_000);
    const stopped = (await cursor())!;
    expect(stopped.rounds_completed).toBe(0);
    expect(stopped.round_checked).toBeGreaterThanOrEqual(6);
    expect(stopped.round_checked).toBeLessThan(20);

    await startPoll({ intervalMs, stretchMs: 1_000 });
    await waitFor(async () => ((await cursor())?.rounds_completed ?? 0) >= 1, 'the round to end', 30_000);
    const roundStart = stopped.round_started_at.getTime();
    const times = pollTimes(projects);
    for (const project of projects) {
      const inRound = times.get(project.id)!.filter((at) => at < roundStart + intervalMs + slotDueOffsetMs(project.pollSlot, intervalMs) - 5);
      expect(inRound, `project ${project.id}`).toHaveLength(1);
    }
  }, 90_000);

  it('reads no project twice when a second poll takes the cursor over in the middle of a page', async () => {
    const projects = await seedPolledProjects(h, { count: 16, repositories: 16, owner: 'takeover', etags: true });
    const intervalMs = 8_000;
    // The last project of the round is held until the first poll has stopped, so the round cannot
    // end while the first poll is still reading the page it claimed, whatever the machine's speed.
    const last = projects.reduce((a, b) => (b.pollSlot > a.pollSlot ? b : a));
    const lastRead = gate();
    const holdLast = h.github.faults.add({ method: 'GET', path: `/repos/takeover/${last.repo}/branches/`, holdUntil: lastRead.promise });
    // The first poll's first read is held: the poll is in the middle of a page it has claimed.
    const firstRead = gate();
    const nextRoundReads = gate();
    const holdFirst = h.github.faults.add({ method: 'GET', path: /^\/repos\/takeover\/[^/]+\/branches\//, holdUntil: firstRead.promise });
    try {
      const first = await startPoll({ intervalMs, stretchMs: 1_000, concurrency: 1 });
      await waitFor(async () => holdFirst.hits >= 1, 'the first poll to be reading', 20_000);
      holdFirst.remove();
      const { round_started_at: roundStart } = (await cursor())!;

      const second = await startPoll({ intervalMs, stretchMs: 1_000, concurrency: 1 });
      await waitFor(async () => (await cursor())?.owner === second.firstExecutionRunId, 'the second poll to take the cursor over', 20_000);
      firstRead.resolve();
      // The first poll finishes its page, finds the cursor taken and stops.
      expect(await first.result()).toMatchObject({ superseded: true });
      // Once the second poll reaches the round's last read (every other read of the round is
      // done), the next round's reads are held (the log records a request once answered), so the
      // log holds exactly this round's reads when it ends, whenever the next round is due.
      await waitFor(async () => holdLast.hits >= 1, "the round's last read", 30_000);
      const holdNextRound = h.github.faults.add({ method: 'GET', path: /^\/repos\/takeover\/[^/]+\/branches\//, holdUntil: nextRoundReads.promise });
      lastRead.resolve();
      await waitFor(async () => ((await cursor())?.rounds_completed ?? 0) >= 1, 'the round to end', 40_000);

      expect((await cursor())!.round_started_at.getTime()).toBeGreaterThan(roundStart.getTime());
      const times = pollTimes(projects);
      holdNextRound.remove();
      for (const project of projects) expect(times.get(project.id), `project ${project.id}`).toHaveLength(1);
    } finally {
      firstRead.resolve();
      lastRead.resolve();
      nextRoundReads.resolve();
      holdLast.remove();
    }
  }, 90_000);
});
