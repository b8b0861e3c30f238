import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOW_UP_ALREADY_PENDING, followHeadUpdate, type IncrementalSyncInput } from '../../src/shared/incremental-sync.js';
import { requestWorkSignal } from '../../src/shared/project-writer.js';
import { createStubWorker, startTimeSkipping, type StubWorkers } from '../support/time-skipping.js';

/**
 * The project's writer (`incrementalSync`) at its real intervals — the 2 s linger, retry backoff,
 * continue-as-new after 50 units of work — on the time-skipping server, with stand-in activities
 * that script GitHub and storage. Only orchestration is under test here; the activities have
 * their own integration tests against real services.
 */

/** A latch a stand-in activity waits on (heartbeating, as the real ones do) until the test opens it. */
function latch() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    open,
    async wait(): Promise<void> {
      const beat = setInterval(() => Context.current().heartbeat(), 200);
      try {
        await opened;
      } finally {
        clearInterval(beat);
      }
    },
  };
}

/** Polls in real time until `check` holds: the worker runs in this process, so its effects appear soon. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Scripted {
  syncs: Array<{ runId: string; at: number }>;
  failures: Array<{ code: string; message: string }>;
  imports: number[];
  verifies: number[];
  /** Set to hold the next incremental sync until the test opens it. */
  holdSync?: ReturnType<typeof latch>;
  holdImport?: ReturnType<typeof latch>;
  syncError?: () => Error;
}

describe('the project writer at real intervals (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  let worker: StubWorkers;
  let taskQueue: string;
  let running: Promise<void>;
  const scripts = new Map<string, Scripted>();
  const scriptFor = (projectId: string) => scripts.get(projectId)!;

  beforeAll(async () => {
    env = await startTimeSkipping();
    let head = 0;
    ({ worker, taskQueue } = await createStubWorker(env, {
      startSync: async ({ operationId }: { operationId: string }) => ({ operationId }),
      resolveHead: async ({ projectId }: { projectId: string }) => ({ owner: 'o', repo: projectId, branch: 'main', commitSha: `${++head}`.padStart(40, '0'), treeSha: 'f'.repeat(40) }),
      syncToHead: async ({ projectId }: { projectId: string }) => {
        const script = scriptFor(projectId);
        const hold = script.holdSync;
        script.holdSync = undefined;
        script.syncs.push({ runId: Context.current().info.workflowExecution!.runId, at: await env.currentTimeMs() });
        if (hold) await hold.wait();
        if (script.syncError) throw script.syncError();
        return { upToDate: false };
      },
      failSync: async ({ projectId, code, message }: { projectId: string; code: string; message: string }) => {
        scriptFor(projectId).failures.push({ code, message });
      },
      releaseWriterJob: async () => undefined,
      importSnapshot: async ({ projectId, operationId }: { projectId: string; operationId: string }) => {
        const script = scriptFor(projectId);
        script.imports.push(await env.currentTimeMs());
        await script.holdImport?.wait();
        return { operationId, commitSha: '1'.repeat(40), filesTotal: 1 };
      },
      completeEmptySync: async () => {
        throw new Error('the stand-in repository is never empty');
      },
      startVerify: async () => undefined,
      verifyBlobs: async ({ projectId, operationId }: { projectId: string; operationId: string }) => {
        scriptFor(projectId).verifies.push(await env.currentTimeMs());
        return { operationId, commitSha: '1'.repeat(40), checked: 0, missing: 0, corrupt: 0, repaired: 0, unrepaired: 0 };
      },
      failVerify: async () => undefined,
    }));
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  async function startWriter(projectId: string, input: Partial<IncrementalSyncInput> = {}): Promise<WorkflowHandle> {
    scripts.set(projectId, { syncs: [], failures: [], imports: [], verifies: [] });
    return env.client.workflow.start('incrementalSync', { taskQueue, workflowId: `incremental-sync/${projectId}`, args: [{ projectId, ...input }] });
  }

  /** A push: true when the writer took it, false when it rode on the follow-up already pending. */
  async function push(handle: WorkflowHandle): Promise<boolean> {
    try {
      await handle.executeUpdate(followHeadUpdate, { args: [{ source: 'webhook' }] });
      return true;
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause?.message === FOLLOW_UP_ALREADY_PENDING) return false;
      throw error;
    }
  }

  it('coalesces a burst of pushes during a sync into one more sync, and records none of the refused ones', async () => {
    const handle = await startWriter('burst');
    const script = scriptFor('burst');
    script.holdSync = latch();
    const first = script.holdSync;
    expect(await push(handle)).toBe(true);
    await until(() => script.syncs.length === 1, 'the first sync');

    const taken = [];
    for (let index = 0; index < 40; index += 1) taken.push(await push(handle));
    expect(taken.filter(Boolean)).toHaveLength(1);

    first.open();
    await handle.result();
    expect(script.syncs).toHaveLength(2);
    const history = await handle.fetchHistory();
    const updates = history.events!.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
    expect(updates).toHaveLength(2);
  });

  it('serves a push that arrives within the quiet period in the same run, and returns after it', async () => {
    const handle = await startWriter('linger');
    const script = scriptFor('linger');
    expect(await push(handle)).toBe(true);
    await until(() => script.syncs.length === 1, 'the first sync');
    await env.sleep('1 second');
    expect(await push(handle)).toBe(true);
    await handle.result();
    expect(script.syncs).toHaveLength(2);
    expect(script.syncs[1]!.runId).toBe(script.syncs[0]!.runId);
    const description = await handle.describe();
    // It lingered its quiet period after the last sync before returning.
    expect(description.closeTime!.getTime() - script.syncs[1]!.at).toBeGreaterThanOrEqual(2_000);
  });

  it('continues as new after 50 units of work, carrying on with the next push in a fresh run', async () => {
    const handle = await startWriter('many');
    const script = scriptFor('many');
    // Each push arrives while the sync before it is still held, so the writer is never idle
    // between units: an idle writer waits on its quiet-period timer, which the time-skipping
    // server may skip to whenever the test is slow to send the next push (a loaded machine).
    let held = latch();
    script.holdSync = held;
    expect(await push(handle)).toBe(true);
    await until(() => script.syncs.length === 1, 'sync 1');
    for (let unit = 2; unit <= 51; unit += 1) {
      const previous = held;
      held = latch();
      script.holdSync = held;
      expect(await push(handle)).toBe(true);
      previous.open();
      await until(() => script.syncs.length === unit, `sync ${unit}`);
    }
    held.open();
    await env.client.workflow.getHandle('incremental-sync/many').result();
    const runs = new Set(script.syncs.map((sync) => sync.runId));
    expect(runs.size).toBe(2);
    expect(script.syncs.slice(0, 50).every((sync) => sync.runId === script.syncs[0]!.runId)).toBe(true);
    expect(script.syncs[50]!.runId).not.toBe(script.syncs[0]!.runId);
  });

  it('accepts a request at once behind a long import and runs it when the import ends', async () => {
    scripts.set('queued', { syncs: [], failures: [], imports: [], verifies: [] });
    const script = scriptFor('queued');
    script.holdImport = latch();
    const handle = await env.client.workflow.signalWithStart('incrementalSync', {
      taskQueue,
      workflowId: 'incremental-sync/queued',
      args: [{ projectId: 'queued' }],
      signal: requestWorkSignal,
      signalArgs: [{ kind: 'initial' }],
    });
    await until(() => script.imports.length === 1, 'the import');
    await handle.signal(requestWorkSignal, { kind: 'verify' });
    await handle.signal(requestWorkSignal, { kind: 'verify' });
    expect(script.verifies).toHaveLength(0);
    script.holdImport.open();
    await handle.result();
    // Both requests joined the one verify queued behind the import.
    expect(script.verifies).toHaveLength(1);
    expect(script.verifies[0]!).toBeGreaterThanOrEqual(script.imports[0]!);
  });

  it('records a sync cut short by cancelling the writer as cancelled, so the project is not left syncing', async () => {
    const handle = await startWriter('cancelled');
    const script = scriptFor('cancelled');
    const held = latch();
    script.holdSync = held;
    expect(await push(handle)).toBe(true);
    await until(() => script.syncs.length === 1, 'the sync');
    await handle.cancel();
    await handle.result().catch(() => undefined);
    expect(script.failures).toEqual([{ code: 'cancelled', message: 'the sync was cancelled before it finished' }]);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    held.open();
  });

  it('records a sync that GitHub failed through every retry, at real backoff, and keeps serving', async () => {
    const handle = await startWriter('outage', { maximumAttempts: 4 });
    const script = scriptFor('outage');
    script.syncError = () => ApplicationFailure.retryable('GitHub answered 502', 'github-unavailable');
    expect(await push(handle)).toBe(true);
    await until(() => script.failures.length === 1, 'the recorded failure');
    expect(script.failures).toEqual([{ code: 'github-unavailable', message: 'GitHub answered 502' }]);
    expect(script.syncs).toHaveLength(4);
    // Backoff of 1, 2 and 4 s between the four attempts.
    expect(script.syncs[3]!.at - script.syncs[0]!.at).toBeGreaterThanOrEqual(7_000);

    script.syncError = undefined;
    expect(await push(handle)).toBe(true);
    await handle.result();
    expect(script.syncs).toHaveLength(5);
  });
});
