import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lsTree } from '../support/git-cli.js';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const SECRET = 'incremental-webhook-secret';
let h: SyncHarness;
let apiUrl: string;

beforeAll(async () => {
  h = await startSyncHarness({ env: { GITHUB_WEBHOOK_SECRET: SECRET } });
  apiUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h.close());

/** A repository with a webhook to our API, imported once. */
const importedRepository = (name: string, files: Record<string, string>) => importRepository(h, name, files, { webhook: { apiUrl, secret: SECRET } });

async function project(id: string) {
  return (await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json();
}

/** Waits until the project's snapshot is at `sha` (the push travels webhook → signal → workflow). */
async function syncedTo(id: string, sha: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const current = await project(id);
    if (current.sync.lastSyncedSha === sha && current.sync.status === 'synced') return current;
    await sleep(100);
  }
  throw new Error(`project ${id} never synced to ${sha}: ${JSON.stringify((await project(id)).sync)}`);
}

async function expectExactTree(id: string, repo: string, sha: string) {
  const truth = await lsTree(h.github.repos.path('octo', repo), sha);
  const listed = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files?limit=1000`, headers: h.auth() })).json();
  expect(listed.commitSha).toBe(sha);
  expect(listed.files.map((f: { path: string; sha: string; mode: string }) => [f.path, f.sha, f.mode]).sort()).toEqual(
    [...truth.entries()].map(([path, entry]) => [path, entry.sha, entry.mode]).sort(),
  );
}

async function incrementalOperations(id: string) {
  const all = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations?limit=100`, headers: h.auth() })).json().operations;
  return all.filter((operation: { kind: string }) => operation.kind === 'incremental');
}

describe('IncrementalSync', () => {
  it('follows a push: additions, edits, deletions, a rename, an executable bit and a file turned symlink', async () => {
    const id = await importedRepository('follow', { 'a.md': '# a\n', 'b.txt': 'b\n', 'old-name.txt': 'moving\n', 'run.sh': '#!/bin/sh\n', 'link.txt': 'plain\n' });
    h.github.requests.clear();
    const { sha } = await h.github.repos.commit('octo', 'follow', {
      message: 'change',
      files: {
        'a.md': '# a, edited\n',
        'b.txt': null,
        'old-name.txt': null,
        'new-name.txt': 'moving\n',
        'run.sh': { content: '#!/bin/sh\n', mode: '100755' },
        'link.txt': { symlink: 'a.md' },
        'added/c.txt': 'c\n',
      },
    });
    await syncedTo(id, sha);
    await expectExactTree(id, 'follow', sha);
    const [operation] = await incrementalOperations(id);
    expect(operation).toMatchObject({ status: 'succeeded', filesAdded: 2, filesModified: 3, filesRemoved: 2 });
    expect(operation.metadata.renamed).toEqual([{ from: 'old-name.txt', to: 'new-name.txt' }]);
    // k changed blobs → at most k + 3 GitHub requests (repo, branch, tree, then one per new blob).
    expect(operation.apiRequests).toBeLessThanOrEqual(5 + 3);
    const content = await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files/a.md`, headers: h.auth() });
    expect(content.body).toBe('# a, edited\n');
  }, 60_000);

  it('coalesces a burst of 20 pushes into at most 3 syncs ending at the last head', async () => {
    const id = await importedRepository('burst', { 'n.txt': '0\n' });
    // Make 20 pushes, holding their webhooks back, then let all 20 deliveries land at once.
    h.github.webhooks.faults.drop(20, 'push');
    let last = '';
    for (let i = 1; i <= 20; i += 1) last = (await h.github.repos.commit('octo', 'burst', { message: `push ${i}`, files: { 'n.txt': `${i}\n` } })).sha;
    const held = h.github.webhooks.list({ event: 'push' }).filter((delivery) => delivery.dropped && (delivery.payload as { repository?: { name?: string } }).repository?.name === 'burst');
    expect(held).toHaveLength(20);
    const started = Date.now();
    await Promise.all(held.map((delivery) => h.github.webhooks.redeliver(delivery.id)));
    expect(Date.now() - started).toBeLessThan(1_000);
    await syncedTo(id, last);
    await sleep(3_000); // the follower lingers; no further sync may follow
    await expectExactTree(id, 'burst', last);
    const operations = await incrementalOperations(id);
    expect(operations.length).toBeGreaterThanOrEqual(1);
    expect(operations.length).toBeLessThanOrEqual(3);
  }, 90_000);

  it('syncs once for a delivery GitHub sends twice', async () => {
    const id = await importedRepository('twice', { 'a.txt': 'a\n' });
    h.github.webhooks.faults.duplicate(1, 'push');
    const { sha } = await h.github.repos.commit('octo', 'twice', { message: 'once', files: { 'b.txt': 'b\n' } });
    await syncedTo(id, sha);
    await h.github.webhooks.settled();
    const deliveries = h.github.webhooks.list({ event: 'push' }).filter((delivery) => (delivery.payload as { after?: string }).after === sha);
    expect(deliveries).toHaveLength(2);
    expect(new Set(deliveries.map((delivery) => delivery.guid)).size).toBe(1);
    await sleep(3_000); // past the writer's linger: a second sync would have started by now
    expect(await incrementalOperations(id)).toHaveLength(1);
  }, 60_000);

  it('reimports exactly after a force-push that rewrote history', async () => {
    const id = await importedRepository('forced', { 'keep.txt': 'keep\n', 'gone.txt': 'gone\n' });
    const base = (await h.github.repos.commit('octo', 'forced', { message: 'ahead', files: { 'ahead.txt': 'ahead\n' } })).sha;
    await syncedTo(id, base);
    const { sha } = await h.github.repos.commit('octo', 'forced', { message: 'rewritten', files: { 'rewritten.txt': 'new history\n', 'gone.txt': null } }, { parent: null, force: true });
    await syncedTo(id, sha);
    await expectExactTree(id, 'forced', sha);
  }, 60_000);

  it('takes a change of more than 300 files through the zipball, exactly', async () => {
    const id = await importedRepository('large-change', { 'seed.txt': 'seed\n' });
    const files: Record<string, string> = {};
    for (let i = 0; i < 350; i += 1) files[`many/file-${i}.txt`] = `file ${i}\n`;
    const { sha } = await h.github.repos.commit('octo', 'large-change', { message: 'many', files });
    await syncedTo(id, sha);
    await expectExactTree(id, 'large-change', sha);
    const [operation] = await incrementalOperations(id);
    expect(operation).toMatchObject({ filesAdded: 350, metadata: { viaArchive: true } });
    expect(operation.apiRequests).toBeLessThanOrEqual(6);
  }, 60_000);

  it('ignores a push to another branch', async () => {
    const id = await importedRepository('branches', { 'a.txt': 'a\n' });
    const before = (await project(id)).sync.lastSyncedSha;
    await h.github.repos.commit('octo', 'branches', { branch: 'feature', message: 'f', files: { 'f.txt': 'f\n' } });
    await sleep(2_000);
    expect((await project(id)).sync.lastSyncedSha).toBe(before);
    expect(await incrementalOperations(id)).toEqual([]);
  }, 60_000);

  it('answers POST /sync with 409 before the initial import, and 202 after', async () => {
    await h.github.repos.create('octo', 'manual', {});
    await h.github.repos.commit('octo', 'manual', { message: 'x', files: { 'a.txt': 'a\n' } });
    const { id } = await h.link('octo', 'manual');
    const early = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync`, headers: h.auth() });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toMatch(/initial sync required/);
    await h.initialSync(id);
    const { sha } = await h.github.repos.commit('octo', 'manual', { message: 'y', files: { 'b.txt': 'b\n' } });
    const manual = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync`, headers: h.auth() });
    expect(manual.statusCode).toBe(202);
    expect(manual.json().workflowId).toBe(`incremental-sync/${id}`);
    await syncedTo(id, sha);
  }, 60_000);
});
