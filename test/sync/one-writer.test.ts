import { setTimeout as sleep } from 'node:timers/promises';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lsTree } from '../support/git-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const SECRET = 'one-writer-secret';
let h: SyncHarness;
let apiUrl: string;

beforeAll(async () => {
  h = await startSyncHarness({ env: { GITHUB_WEBHOOK_SECRET: SECRET } });
  apiUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h.close());

interface Operation {
  kind: string;
  status: string;
  startedAt: string;
  completedAt: string | null;
  afterSha: string | null;
}

async function operations(id: string): Promise<Operation[]> {
  const all: Operation[] = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations?limit=100`, headers: h.auth() })).json().operations;
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
    await h.github.repos.create('octo', 'writer', {});
    await h.github.repos.commit('octo', 'writer', { message: 'initial', files: { 'a.txt': 'a\n' } });
    const octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
    await octokit.rest.repos.createWebhook({ owner: 'octo', repo: 'writer', config: { url: `${apiUrl}/api/webhooks/github`, content_type: 'json', secret: SECRET }, events: ['push'] });
    const { id } = await h.link('octo', 'writer');
    expect((await h.initialSync(id)).status).toBe('synced');

    // A push whose incremental sync is slowed down in its tree read.
    h.github.faults.add({ path: '/repos/octo/writer/git/trees', delayMs: 2_000, times: 1 });
    const first = await h.github.repos.commit('octo', 'writer', { message: 'first', files: { 'b.txt': 'b\n' } });
    await until(async () => (await operations(id)).some((operation) => operation.kind === 'incremental' && operation.status === 'running'), 'the incremental sync to start');

    // Ask for a re-import meanwhile, and make it slow too, with a push landing while it runs.
    h.github.faults.add({ path: '/octo/writer/legacy.zip', delayMs: 2_000, times: 1 });
    const reimport = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    expect(reimport.statusCode).toBe(202);
    expect(reimport.json()).toMatchObject({ workflowId: `initial-sync/${id}`, alreadyRunning: false });
    const second = await h.github.repos.commit('octo', 'writer', { message: 'second', files: { 'c.txt': 'c\n' } });
    await h.temporal.workflow.getHandle(reimport.json().workflowId, reimport.json().syncId).result();

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

  it('answers a second import request with the one already queued or running', async () => {
    await h.github.repos.create('octo', 'twice', {});
    await h.github.repos.commit('octo', 'twice', { message: 'x', files: { 'a.txt': 'a\n' } });
    const { id } = await h.link('octo', 'twice');
    h.github.faults.add({ path: '/octo/twice/legacy.zip', delayMs: 1_500, times: 1 });
    const [a, b] = await Promise.all([1, 2].map(() => h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() })));
    expect([a!.json().alreadyRunning, b!.json().alreadyRunning].sort()).toEqual([false, true]);
    expect(a!.json().syncId).toBe(b!.json().syncId);
    await h.temporal.workflow.getHandle(a!.json().workflowId, a!.json().syncId).result();
    expect((await operations(id)).filter((operation) => operation.kind === 'initial')).toHaveLength(1);
  }, 60_000);
});
