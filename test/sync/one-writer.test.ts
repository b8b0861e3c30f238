import { setTimeout as sleep } from 'node:timers/promises';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation, OperationList } from '../support/api-answers.js';
import { lsTree } from '../support/git-cli.js';
import { requestInitialSyncUpdate } from '../../src/shared/project-writer.js';
import { syncStatusQuery } from '../../src/shared/sync-status.js';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { childRun } from '../support/child-run.js';

const SECRET = 'one-writer-secret';
let h: SyncHarness;
let apiUrl: string;

beforeAll(async () => {
  h = await startSyncHarness({ env: { GITHUB_WEBHOOK_SECRET: SECRET } });
  apiUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h.close());

async function operations(id: string): Promise<Operation[]> {
  const all = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations?limit=100`, headers: h.auth() })).json<OperationList>().operations;
  return all.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
}

async function project(id: string) {
  return (await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json();
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('one writer per project', () => {
  it('runs a requested re-import only after the running incremental sync, and applies pushes made during it afterwards', async () => {
    const id = await importRepository(h, 'writer', { 'a.txt': 'a\n' }, { webhook: { apiUrl, secret: SECRET } });

    // A push whose incremental sync is slowed down in its tree read.
    const slowTree = h.github.faults.add({ path: '/repos/octo/writer/git/trees', delayMs: 2_000, times: 1 });
    const first = await h.github.repos.commit('octo', 'writer', { message: 'first', files: { 'b.txt': 'b\n' } });
    // In its tree read, the incremental sync has resolved the head: the first push, not a later one.
    await until(async () => slowTree.hits > 0, 'the incremental sync to read the tree');

    // Ask for a re-import meanwhile, and make it slow too, with a push landing while it runs.
    h.github.faults.add({ path: '/octo/writer/legacy.zip', delayMs: 2_000, times: 1 });
    const reimportAsked = new Date();
    const reimport = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    expect(reimport.statusCode).toBe(202);
    expect(reimport.json()).toMatchObject({ workflowId: `initial-sync/${id}`, alreadyRunning: false });
    const second = await h.github.repos.commit('octo', 'writer', { message: 'second', files: { 'c.txt': 'c\n' } });
    await (await childRun(h.temporal, reimport.json().workflowId, reimportAsked)).result();

    await until(async () => (await project(id)).sync.lastSyncedSha === second.sha, 'the push made during the import to be applied');
    // The snapshot becomes current a moment before its operation is closed, and when the re-import
    // already read the second push's head, that push's own webhook still asks for one more
    // (empty) incremental sync: wait until the log has stopped changing with nothing running.
    let settled = '';
    let stableSince = Date.now();
    await until(async () => {
      const now = JSON.stringify((await operations(id)).map((operation) => [operation.kind, operation.status]));
      if (now !== settled) [settled, stableSince] = [now, Date.now()];
      return !now.includes('"running"') && Date.now() - stableSince >= 2_000;
    }, 'the operation log to settle');
    const log = await operations(id);
    expect(log.map((operation) => operation.status)).toEqual(log.map(() => 'succeeded'));
    // Never two at once: each operation starts after the previous one ended.
    for (let i = 1; i < log.length; i += 1) expect(Date.parse(log[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(log[i - 1]!.completedAt!));
    const kinds = log.map((operation) => operation.kind);
    expect(kinds.slice(0, 3)).toEqual(['initial', 'incremental', 'initial']);
    expect(log.find((operation) => operation.afterSha === first.sha)?.kind).toBe('incremental');
    expect(log.at(-1)!.afterSha).toBe(second.sha);

    const truth = await lsTree(h.github.repos.path('octo', 'writer'), second.sha);
    const listed = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files`, headers: h.auth() })).json();
    expect(listed.files.map((file: { path: string }) => file.path).sort()).toEqual([...truth.keys()].sort());
  }, 90_000);

  it('accepts requests queued behind a long sync at once, each naming the child that will serve it', async () => {
    const id = await importRepository(h, 'queued', { 'a.txt': 'a\n' });

    // A re-import of new content, held up in its archive download for longer than any request may wait.
    await h.github.repos.commit('octo', 'queued', { message: 'y', files: { 'b.txt': 'b\n' } });
    h.github.faults.add({ path: '/octo/queued/legacy.zip', delayMs: 8_000, times: 1 });
    const asked = new Date();
    const reimport = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    expect(reimport.statusCode).toBe(202);
    await until(async () => (await operations(id)).some((operation) => operation.kind === 'initial' && operation.status === 'running'), 'the re-import to start');

    for (const url of [`/api/projects/${id}/verify`, `/api/projects/${id}/sync/initial`]) {
      const before = Date.now();
      const response = await h.app.inject({ method: 'POST', url, headers: h.auth() });
      expect(Date.now() - before, url).toBeLessThan(5_000);
      expect(response.statusCode, response.body).toBe(202);
    }
    const before = Date.now();
    const verify = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/verify`, headers: h.auth() });
    expect(Date.now() - before).toBeLessThan(5_000);
    expect(verify.json()).toMatchObject({ workflowId: `verify/${id}`, status: 'pending', alreadyRunning: true, syncId: null });

    // The queued verify runs once the import has ended, and after it, never beside it.
    await (await childRun(h.temporal, `verify/${id}`, asked)).result();
    const log = await operations(id);
    const imported = log.findLast((operation) => operation.kind === 'initial')!;
    const verified = log.find((operation) => operation.kind === 'verify')!;
    expect(imported.status).toBe('succeeded');
    expect(Date.parse(imported.completedAt!) - Date.parse(imported.startedAt)).toBeGreaterThanOrEqual(7_000);
    expect(Date.parse(verified.startedAt)).toBeGreaterThanOrEqual(Date.parse(imported.completedAt!));
  }, 60_000);

  it("still answers the earlier release's update-based import request, once the import has started", async () => {
    await h.github.repos.create('octo', 'legacy-request', {});
    const { sha } = await h.github.repos.commit('octo', 'legacy-request', { message: 'x', files: { 'a.txt': 'a\n' } });
    const { id } = await h.link('octo', 'legacy-request');
    const answer = await h.temporal.workflow.executeUpdateWithStart(requestInitialSyncUpdate, {
      startWorkflowOperation: new WithStartWorkflowOperation('incrementalSync', { workflowId: `incremental-sync/${id}`, taskQueue: h.config.temporal.taskQueue, args: [{ projectId: id }], workflowIdConflictPolicy: 'USE_EXISTING' }),
    });
    expect(answer).toMatchObject({ workflowId: `initial-sync/${id}`, alreadyRunning: false, runId: expect.any(String) });
    await h.temporal.workflow.getHandle(answer.workflowId, answer.runId).result();
    expect((await project(id)).sync.lastSyncedSha).toBe(sha);
  }, 60_000);

  it('answers a second import request with the one already queued or running', async () => {
    await h.github.repos.create('octo', 'twice', {});
    await h.github.repos.commit('octo', 'twice', { message: 'x', files: { 'a.txt': 'a\n' } });
    const { id } = await h.link('octo', 'twice');
    h.github.faults.add({ path: '/octo/twice/legacy.zip', delayMs: 1_500, times: 1 });
    const asked = new Date();
    const [a, b] = await Promise.all([1, 2].map(() => h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() })));
    expect([a!.json().alreadyRunning, b!.json().alreadyRunning].sort()).toEqual([false, true]);
    expect(a!.json().syncId).toBe(b!.json().syncId);
    await (await childRun(h.temporal, a!.json().workflowId, asked)).result();
    expect((await operations(id)).filter((operation) => operation.kind === 'initial')).toHaveLength(1);
  }, 60_000);

  it('hands a retried POST /sync whose stored answer was lost to the writer as the same update, so it is recorded once', async () => {
    const id = await importRepository(h, 'retried-sync', { 'a.txt': 'a\n' });
    const writer = h.temporal.workflow.getHandle(`incremental-sync/${id}`);
    const acceptedUpdates = async () =>
      (await writer.fetchHistory()).events!.filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes).map((event) => event.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.meta!.updateId);
    const post = (key: string) => h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync`, headers: { ...h.auth(), 'idempotency-key': key } });
    // Idle: no sync pending, so the writer would accept any new wake.
    const idle = () => until(async () => (await writer.query(syncStatusQuery).catch(() => undefined))?.phase === 'idle', 'the writer to go idle');

    expect((await post('sync-once')).statusCode).toBe(202);
    await idle();
    const before = await acceptedUpdates();
    expect(before.filter((updateId) => updateId?.endsWith(':sync-once'))).toHaveLength(1);
    // The stored answer is gone, as when the first attempt's answer failed with a 5xx: the retry runs the route again.
    await h.db.deleteFrom('idempotency_keys').where('key', '=', 'sync-once').execute();
    const retried = await post('sync-once');
    expect(retried.statusCode).toBe(202);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await acceptedUpdates()).toEqual(before);
    await idle();
    // A new key is a new request, and the writer records it.
    expect((await post('sync-twice')).statusCode).toBe(202);
    expect((await acceptedUpdates()).filter((updateId) => updateId?.endsWith(':sync-twice'))).toHaveLength(1);
  }, 60_000);
});
