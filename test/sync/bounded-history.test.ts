import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { followProject } from '../../src/temporal/project-writer.js';
import { childRun } from '../support/child-run.js';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(() => h.close());

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function history(workflowId: string, runId: string | null | undefined) {
  if (!runId) throw new Error(`no run of ${workflowId} named as the one that took the push`);
  return h.temporal.workflow.getHandle(workflowId, runId).fetchHistory();
}

async function historyEvents(workflowId: string, runId: string | null | undefined) {
  return (await history(workflowId, runId)).events ?? [];
}

describe("the writer's history", () => {
  it('stays bounded by the syncs it runs while 200 pushes arrive during a long import, and ends on the last push', async () => {
    const pushes = 200;
    const id = await importRepository(h, 'busy', { 'a.txt': 'a\n' });
    const writer = `incremental-sync/${id}`;

    // A re-import held up in its archive download until every push has been made.
    let release!: () => void;
    h.github.faults.add({ path: '/octo/busy/legacy.zip', holdUntil: new Promise<void>((resolve) => (release = resolve)), times: 1 });
    const asked = new Date();
    const reimport = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    expect(reimport.statusCode, reimport.body).toBe(202);
    const child = await childRun(h.temporal, `initial-sync/${id}`, asked);

    const runIds = new Set<string>();
    let last = '';
    for (let i = 1; i <= pushes; i += 1) {
      last = (await h.github.repos.commit('octo', 'busy', { message: `push ${i}`, files: { 'n.txt': `${i}\n` } })).sha;
      const push = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync`, headers: h.auth() });
      expect(push.statusCode, push.body).toBe(202);
      runIds.add(push.json().syncId);
    }
    // Every push reached the writer while the import still ran, and the same run of it.
    expect((await child.describe()).status.name).toBe('RUNNING');
    expect([...runIds]).toHaveLength(1);
    const [runId] = [...runIds] as [string];

    release();
    await child.result();
    await until(async () => (await h.db.selectFrom('projects').select('last_synced_sha').where('id', '=', id).executeTakeFirstOrThrow()).last_synced_sha === last, "the last push's commit to be synced");
    const project = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json();
    expect(project.sync.lastSyncedSha).toBe(last);

    // One wake for the follow-up sync is recorded; the other pushes were refused as already pending.
    const events = await historyEvents(writer, runId);
    const accepted = events.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
    const signalled = events.filter((event) => event.workflowExecutionSignaledEventAttributes);
    console.log(`writer history after ${pushes} pushes: ${events.length} events, ${accepted.length} accepted wakes, ${signalled.length} signals`);
    expect(accepted.length).toBeLessThanOrEqual(3);
    expect(signalled.length).toBeLessThanOrEqual(3);
    expect(events.length).toBeLessThan(120);
    // And the workflow code replays the history it wrote, accepted wakes included.
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, await history(writer, runId), writer);
  }, 180_000);

  it('still reaches a writer no worker answers for, as a signal the server records alone', async () => {
    const projectId = randomUUID();
    const taskQueue = `no-worker-${projectId}`;
    const project = { id: projectId, tenant_id: randomUUID(), owner: 'octo', repo: 'unserved', branch: 'main', default_branch: null };
    const began = Date.now();
    const { workflowId, runId } = await followProject(h.temporal, { taskQueue, maximumAttempts: 1 }, project, { source: 'api' });
    try {
      expect(Date.now() - began).toBeLessThan(30_000);
      const events = await historyEvents(workflowId, runId);
      const signals = events.flatMap((event) => (event.workflowExecutionSignaledEventAttributes ? [event.workflowExecutionSignaledEventAttributes.signalName] : []));
      expect(signals).toEqual(['push']);
    } finally {
      await h.temporal.workflow.getHandle(workflowId).terminate('test over');
    }
  }, 60_000);
});
