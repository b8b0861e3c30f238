import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../support/git-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  h = await startSyncHarness({ inProcessWorker: false });
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await h.close();
});

/** The production worker entry point (`npm run worker`) as its own process. */
function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { env: h.workerProcessEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', () => {});
  workers.push(child);
  return child;
}

const history = async (repo: string) => (await git(h.github.repos.path('octo', repo), ['rev-list', 'main'])).trim().split('\n');

describe('a worker killed during OutboundSync', () => {
  it('ends with exactly one commit when it dies between creating the commit and moving the ref', async () => {
    const first = startWorkerProcess();
    await h.github.repos.create('octo', 'crash', {});
    await h.github.repos.commit('octo', 'crash', { message: 'initial', files: { 'a.md': 'a\n' } });
    const { id } = await h.link('octo', 'crash');
    expect((await h.initialSync(id)).status).toBe('synced');
    const before = await history('crash');

    // The ref update hangs, then fails: the worker is killed while it waits, the ref never moved.
    h.github.faults.add({ method: 'PATCH', path: /^\/repos\/octo\/crash\/git\/refs\/heads(\/|%2F)main$/, delayMs: 5_000, status: 500, times: 1 });
    h.github.requests.clear();
    const response = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/outbound`, headers: h.auth(), payload: { message: 'Survive a crash', mode: 'direct_commit', changes: [{ path: 'a.md', content: 'a, edited\n' }] } });
    expect(response.statusCode).toBe(202);
    const { operationId, workflowId } = response.json();
    for (let i = 0; i < 300 && h.github.requests.count('POST /repos/{owner}/{repo}/git/commits') === 0; i += 1) await sleep(50);
    expect(h.github.requests.count('POST /repos/{owner}/{repo}/git/commits')).toBe(1);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    startWorkerProcess();
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
});
