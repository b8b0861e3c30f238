import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { followProject } from '../../src/temporal/project-writer.js';
import { fleetSyncWorkflowId } from '../../src/shared/fleet-sync.js';
import { incrementalSyncWorkflowId } from '../../src/shared/workflow-ids.js';
import type { Fleet } from '../support/api-answers.js';
import { childRun } from '../support/child-run.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { writeHistory } from './history-files.js';

/**
 * `npm run record:histories`: runs every workflow for real — this suite's services, worker and
 * GitHub emulator — and stores each run's history under test/replay/histories, which
 * replay.test.ts replays against the current workflow code. Record again after a change to
 * workflow code has merged and no run of the old code is open anywhere.
 */

let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(() => h?.close());

/** Waits until a run has closed (completed, failed, continued as new…), so its history is whole. */
async function closed(handle: WorkflowHandle, timeoutMs = 60_000): Promise<WorkflowHandle> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') return handle;
    if (Date.now() > deadline) throw new Error(`${handle.workflowId} still running after ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function record(name: string, handle: WorkflowHandle): Promise<void> {
  await closed(handle);
  await writeHistory(name, handle.workflowId, await handle.fetchHistory());
}

/** Records a child run and the writer run that started it. */
async function recordWithParent(name: string, parentName: string, child: WorkflowHandle): Promise<void> {
  await record(name, child);
  const { parentExecution } = await child.describe();
  if (!parentExecution?.workflowId || !parentExecution.runId) throw new Error(`${child.workflowId} has no parent writer`);
  await record(parentName, h.temporal.workflow.getHandle(parentExecution.workflowId, parentExecution.runId));
}

async function projectRow(id: string) {
  return h.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function imported(name: string, files: Record<string, string>): Promise<{ id: string; initial: WorkflowHandle }> {
  await h.github.repos.create('octo', name, {});
  await h.github.repos.commit('octo', name, { message: 'initial', files });
  const { id } = await h.link('octo', name);
  const since = new Date();
  const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
  expect(started.statusCode, started.body).toBe(202);
  // Accepted at once: the child starts when the writer takes the request up.
  const initial = await childRun(h.temporal, started.json().workflowId, since);
  await initial.result();
  return { id, initial };
}

/** Posts an edit and waits for its OutboundSync child to end, however it ends. */
async function outbound(id: string, payload: Record<string, unknown>): Promise<WorkflowHandle> {
  const since = new Date();
  const response = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/outbound`, headers: h.auth(), payload });
  expect(response.statusCode, response.body).toBe(202);
  const child = await childRun(h.temporal, response.json().workflowId, since);
  await child.result().catch(() => {});
  return child;
}

it('initial import, served by the writer', async () => {
  const { initial } = await imported('initial', { 'README.md': '# hello\n', 'src/a.txt': 'a\n', 'src/b.txt': 'b\n' });
  await recordWithParent('initial-sync', 'writer-initial', initial);
});

it('incremental sync of several pushes, coalesced', async () => {
  const { id, initial } = await imported('pushes', { 'a.txt': 'a\n' });
  const project = await projectRow(id);
  // The writer that served the import ends after its linger; the pushes start a run of their own.
  await initial.describe();
  await closed(h.temporal.workflow.getHandle(incrementalSyncWorkflowId(id)));
  // The first push starts a writer run; the next ones, sent while it syncs, join it.
  const runs = new Set<string>();
  for (let push = 1; push <= 3; push += 1) {
    const { sha } = await h.github.repos.commit('octo', 'pushes', { message: `push ${push}`, files: { [`p${push}.txt`]: `${push}\n` } });
    const { runId } = await followProject(h.temporal, h.config, project, { source: 'webhook', sha });
    runs.add(runId ?? (await h.temporal.workflow.getHandle(incrementalSyncWorkflowId(id)).describe()).runId);
  }
  expect(runs.size).toBe(1);
  await record('writer-pushes-coalesced', h.temporal.workflow.getHandle(incrementalSyncWorkflowId(id), [...runs][0]));
});

it('a writer that continues as new after its units of work', async () => {
  const { id } = await imported('continue', { 'a.txt': 'a\n' });
  const project = await projectRow(id);
  const { runId } = await followProject(h.temporal, h.config, project, { source: 'api' });
  const writer = h.temporal.workflow.getHandle(incrementalSyncWorkflowId(id), runId ?? undefined);
  // Pushes keep arriving during every sync, until the run hands over to a fresh one.
  const deadline = Date.now() + 120_000;
  while ((await writer.describe()).status.name === 'RUNNING') {
    if (Date.now() > deadline) throw new Error('the writer never continued as new');
    await followProject(h.temporal, h.config, project, { source: 'api' });
    await sleep(150);
  }
  expect((await writer.describe()).status.name).toBe('CONTINUED_AS_NEW');
  await record('writer-continue-as-new', writer);
}, 180_000);

it('outbound: a direct commit, a pull request, a conflict', async () => {
  const { id } = await imported('outbound', { 'a.md': 'a\n', 'b.md': 'b\n' });
  const direct = await outbound(id, { message: 'Direct edit', mode: 'direct_commit', changes: [{ path: 'a.md', content: 'a, ours\n' }] });
  await recordWithParent('outbound-direct', 'writer-outbound-direct', direct);
  const pr = await outbound(id, { message: 'Reviewed edit', mode: 'protected_pr', changes: [{ path: 'b.md', content: 'b, reviewed\n' }] });
  await recordWithParent('outbound-pull-request', 'writer-outbound-pull-request', pr);
  await h.github.repos.commit('octo', 'outbound', { message: 'theirs', files: { 'b.md': 'b, theirs\n' } });
  const conflict = await outbound(id, { message: 'Conflicting edit', mode: 'direct_commit', changes: [{ path: 'b.md', content: 'b, ours\n' }] });
  expect((await conflict.describe()).status.name).toBe('FAILED');
  await recordWithParent('outbound-conflict', 'writer-outbound-conflict', conflict);
}, 120_000);

it('verify', async () => {
  const { id } = await imported('verify', { 'a.txt': 'a\n' });
  const since = new Date();
  const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/verify`, headers: h.auth() });
  expect(started.statusCode, started.body).toBe(202);
  const child = await childRun(h.temporal, started.json().workflowId, since);
  await child.result();
  await recordWithParent('verify', 'writer-verify', child);
});

it('the poll, through one continue-as-new', async () => {
  const { id } = await imported('poll', { 'a.txt': 'a\n' });
  await h.github.repos.commit('octo', 'poll', { message: 'unannounced', files: { 'b.txt': 'b\n' } });
  // The poll runs for good; a short interval and two stretches per run make it continue as new soon.
  const poll = await h.temporal.workflow.start('pollProjects', {
    workflowId: `poll-projects/${h.config.temporal.taskQueue}`,
    taskQueue: h.config.temporal.taskQueue,
    args: [{ concurrency: 4, maximumAttempts: 3, intervalMs: 1_000, stretchMs: 500, stretchesPerRun: 2 }],
  });
  const firstRun = h.temporal.workflow.getHandle(poll.workflowId, poll.firstExecutionRunId);
  await closed(firstRun);
  expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
  await record('poll', firstRun);
  await h.temporal.workflow.getHandle(poll.workflowId).terminate('recorded');
  // The moved project's writer followed the head.
  await closed(h.temporal.workflow.getHandle(incrementalSyncWorkflowId(id)));
});

it('a metadata sync', async () => {
  const { id } = await imported('metadata', { 'a.txt': 'a\n' });
  const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/metadata/sync`, headers: h.auth() });
  expect(started.statusCode, started.body).toBe(202);
  const run = h.temporal.workflow.getHandle(started.json().workflowId);
  await run.result();
  await record('metadata-sync', run);
});

it('a fleet sync of an organisation', async () => {
  for (const name of ['one', 'two']) {
    await h.github.repos.create('fleetrec', name);
    await h.github.repos.commit('fleetrec', name, { message: 'initial', files: { 'a.txt': `${name}\n` } });
  }
  const linked = await h.app.inject({ method: 'POST', url: '/api/fleets', headers: h.auth(), payload: { org: 'fleetrec', token: h.github.token, maxConcurrentImports: 1 } });
  expect(linked.statusCode).toBe(202);
  const run = h.temporal.workflow.getHandle(fleetSyncWorkflowId(linked.json<Fleet>().id));
  await run.result();
  await record('fleet-sync', run);
});

it('garbage-collection', async () => {
  const run = await h.temporal.workflow.start('garbageCollection', {
    workflowId: `garbage-collection/${h.config.temporal.taskQueue}`,
    taskQueue: h.config.temporal.taskQueue,
    args: [{ graceHours: 24, keepSnapshots: 0 }],
  });
  await run.result();
  await record('garbage-collection', run);
});
