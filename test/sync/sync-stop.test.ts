import { setTimeout as sleep } from 'node:timers/promises';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActiveFault } from '@reposync/github-emulator';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(() => h.close());

/** Waits until `check` holds, failing with `what` after `timeoutMs`. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

async function repository(name: string): Promise<string> {
  await h.github.repos.create('octo', name, {});
  await h.github.repos.commit('octo', name, { message: 'initial', files: { 'README.md': '# stop\n', 'docs/a.md': 'a\n', 'src/b.txt': 'b\n' } });
  return (await h.link('octo', name)).id;
}

/** The rows a person would look at: the project's sync status and every operation of it. */
async function rows(projectId: string) {
  const project = await h.db.selectFrom('projects').select(['sync_status', 'sync_error_code']).where('id', '=', projectId).executeTakeFirstOrThrow();
  const operations = await h.db.selectFrom('sync_operations').select(['kind', 'status', 'error_code', 'completed_at']).where('project_id', '=', projectId).orderBy('started_at').execute();
  return { project, operations };
}

/** Holds back the codeload archive of `repo`, so an import is stuck mid-way. */
function stallArchive(repo: string, delayMs: number): ActiveFault {
  return h.github.faults.add({ path: new RegExp(`/octo/${repo}/legacy\\.zip/`), delayMs, times: 1 });
}

describe('a cancelled import', () => {
  it('ends cancelled with a code in the database, and the project’s writer keeps serving', async () => {
    const id = await repository('cancel-import');
    const stall = stallArchive('cancel-import', 30_000);
    const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    expect(started.statusCode, started.body).toBe(202);
    const { workflowId } = started.json();
    await until('the import asks for the archive', () => stall.hits > 0);
    expect((await rows(id)).project.sync_status).toBe('syncing');

    await h.temporal.workflow.getHandle(workflowId).cancel();
    await expect(h.temporal.workflow.getHandle(workflowId).result()).rejects.toThrow();

    const after = await rows(id);
    expect(after.project).toEqual({ sync_status: 'cancelled', sync_error_code: 'cancelled' });
    expect(after.operations).toEqual([expect.objectContaining({ kind: 'initial', status: 'cancelled', error_code: 'cancelled', completed_at: expect.any(Date) })]);
    const status = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
    expect(status).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });

    // The writer took the cancelled child as a failed job, not as its own end: it imports again.
    expect(await h.initialSync(id)).toMatchObject({ status: 'synced', error: null });
  }, 180_000);
});

describe('an import past its deadline', () => {
  it('ends failed with timed-out, leaving nothing syncing or running', async () => {
    const id = await repository('deadline-import');
    stallArchive('deadline-import', 30_000);
    const handle = await h.temporal.workflow.start('initialSync', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: `initial-sync/${id}`,
      args: [{ projectId: id, deadlineSeconds: 3 }],
    });
    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'timed-out' } });

    const after = await rows(id);
    expect(after.project).toEqual({ sync_status: 'failed', sync_error_code: 'timed-out' });
    expect(after.operations).toEqual([expect.objectContaining({ kind: 'initial', status: 'failed', error_code: 'timed-out', completed_at: expect.any(Date) })]);
  }, 180_000);
});

describe('a cancelled outbound sync', () => {
  it('ends cancelled with a code, and its commit never reaches the branch', async () => {
    const id = await repository('cancel-outbound');
    expect(await h.initialSync(id)).toMatchObject({ status: 'synced' });
    const octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
    const headBefore = (await octokit.rest.repos.getBranch({ owner: 'octo', repo: 'cancel-outbound', branch: 'main' })).data.commit.sha;
    // GitHub carries out a request it received whole even when the client has gone: the commit
    // object is made after the cancellation, and only the ref move must not follow.
    const stall = h.github.faults.add({ method: 'POST', path: '/repos/octo/cancel-outbound/git/commits', delayMs: 30_000, times: 1 });

    const accepted = await h.app.inject({
      method: 'POST',
      url: `/api/projects/${id}/outbound`,
      headers: h.auth(),
      payload: { message: 'edit', mode: 'direct_commit', changes: [{ path: 'docs/a.md', content: 'changed\n' }] },
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
    const { operationId, workflowId } = accepted.json();
    await until('the outbound sync creates its commit', () => stall.hits > 0);

    await h.temporal.workflow.getHandle(workflowId).cancel();
    await expect(h.temporal.workflow.getHandle(workflowId).result()).rejects.toThrow();

    const operation = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations/${operationId}`, headers: h.auth() })).json();
    expect(operation).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' }, completedAt: expect.any(String) });
    const { operations } = await rows(id);
    expect(operations.filter((row) => row.status === 'running' || row.status === 'pending')).toEqual([]);
    const headAfter = (await octokit.rest.repos.getBranch({ owner: 'octo', repo: 'cancel-outbound', branch: 'main' })).data.commit.sha;
    expect(headAfter).toBe(headBefore);
  }, 180_000);
});
