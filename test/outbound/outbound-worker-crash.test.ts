import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../support/git-cli.js';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness({ inProcessWorker: false });
});
afterAll(() => h.close());

const history = async (repo: string) => (await git(h.github.repos.path('octo', repo), ['rev-list', 'main'])).trim().split('\n');

describe('a worker killed during OutboundSync', () => {
  it('ends with exactly one commit when it dies between creating the commit and moving the ref', async () => {
    const first = h.startWorkerProcess();
    const id = await importRepository(h, 'crash', { 'a.md': 'a\n' });
    const before = await history('crash');

    // The ref update hangs, then fails: the worker is killed while it waits, the ref never moved.
    h.github.faults.add({ method: 'PATCH', path: /^\/repos\/octo\/crash\/git\/refs\/heads(\/|%2F)main$/, delayMs: 5_000, status: 500, times: 1 });
    h.github.requests.clear();
    const response = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/outbound`, headers: h.auth(), payload: { message: 'Survive a crash', mode: 'direct_commit', changes: [{ path: 'a.md', content: 'a, edited\n' }] } });
    expect(response.statusCode).toBe(202);
    const { operationId, workflowId } = response.json();
    await commitRecorded(operationId);
    expect(h.github.requests.count('POST /repos/{owner}/{repo}/git/commits')).toBe(1);
    // Octokit spaces writes a second apart (GitHub's guidance): by now the ref update is in flight.
    await sleep(1_500);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    h.startWorkerProcess();
    const result = await h.temporal.workflow.getHandle(workflowId).result();
    expect(result.outcome).toMatchObject({ kind: 'commit', rebuilt: false });

    // One commit was ever created, and it is the one on the branch.
    expect(h.github.requests.count('POST /repos/{owner}/{repo}/git/commits')).toBe(1);
    const after = await history('crash');
    expect(after.slice(1)).toEqual(before);
    expect(after[0]).toBe(result.outcome.commitSha);
    const operation = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations/${operationId}`, headers: h.auth() })).json();
    expect(operation).toMatchObject({ status: 'succeeded', afterSha: after[0] });
    const events = (await h.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const attempts = events.filter((event) => event.activityTaskStartedEventAttributes).map((event) => event.activityTaskStartedEventAttributes!.attempt ?? 1);
    expect(Math.max(...attempts)).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('ends with exactly one commit when it dies while GitHub moves the ref', async () => {
    await h.killWorkerProcesses();
    const first = h.startWorkerProcess();
    const id = await importRepository(h, 'crash-moved', { 'a.md': 'a\n' });
    const before = await history('crash-moved');

    // GitHub takes its time with the ref update; the worker dies waiting, the ref moves anyway.
    h.github.faults.add({ method: 'PATCH', path: /^\/repos\/octo\/crash-moved\/git\/refs\/heads(\/|%2F)main$/, delayMs: 4_000, times: 1 });
    h.github.requests.clear();
    const response = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/outbound`, headers: h.auth(), payload: { message: 'Moved while dying', mode: 'direct_commit', changes: [{ path: 'a.md', content: 'a, edited\n' }] } });
    const { workflowId, operationId } = response.json();
    await commitRecorded(operationId);
    await sleep(1_500);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    for (let i = 0; i < 100 && (await history('crash-moved')).length === before.length; i += 1) await sleep(100);
    const moved = await history('crash-moved');
    expect(moved.slice(1)).toEqual(before);

    h.startWorkerProcess();
    const result = await h.temporal.workflow.getHandle(workflowId).result();
    // The retry found its marked commit at the head: no second commit, no second ref update.
    expect(result.outcome).toMatchObject({ kind: 'commit', commitSha: moved[0] });
    expect(h.github.requests.count('POST /repos/{owner}/{repo}/git/commits')).toBe(1);
    expect(h.github.requests.count('PATCH /repos/{owner}/{repo}/git/refs/{ref}')).toBe(1);
    expect(await history('crash-moved')).toEqual(moved);
    expect(result.snapshotMoved).toBe(true);
    expect((await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json().sync.lastSyncedSha).toBe(moved[0]);
  }, 120_000);
});

/** Waits until the attempt recorded the commit it created (before it moves the ref). */
async function commitRecorded(operationId: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    const row = await h.db.selectFrom('sync_operations').select('metadata').where('id', '=', operationId).executeTakeFirst();
    if (row?.metadata.commit) return;
    await sleep(50);
  }
  throw new Error(`operation ${operationId} never recorded a commit`);
}


