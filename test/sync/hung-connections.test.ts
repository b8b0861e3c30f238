import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { until } from '../support/until.js';

// Every request to GitHub gets one second to answer and one second per quiet wait on a body.
let h: SyncHarness;
let releaseHeld!: () => void;
const held = new Promise<void>((resolve) => (releaseHeld = resolve));

beforeAll(async () => {
  h = await startSyncHarness({ env: { GITHUB_ANSWER_TIMEOUT_SECONDS: '1', GITHUB_IDLE_TIMEOUT_SECONDS: '1' } });
});
afterAll(async () => {
  releaseHeld();
  await h.close();
});

async function project(id: string) {
  return (await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json();
}

/** Waits until the project's snapshot is at `sha`. */
const syncedTo = (id: string, sha: string) =>
  until(() => project(id), (current) => current.sync.lastSyncedSha === sha && current.sync.status === 'synced', `project ${id} synced to ${sha}`, 60_000);

function manyFiles(count: number, tag: string): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`docs/file-${i}.md`, `# ${tag} ${i}\n${'text '.repeat(200 + i)}\n`]));
}

describe('a GitHub connection that stops answering', () => {
  it('fails the import attempt whose archive went quiet halfway, and the retry imports the repository', async () => {
    await h.github.repos.create('octo', 'quiet-archive', {});
    const { sha } = await h.github.repos.commit('octo', 'quiet-archive', { message: 'initial', files: manyFiles(150, 'a') });
    // The archive sends 8 KiB, then nothing, on a connection it keeps open.
    const stall = h.github.faults.add({ path: '/octo/quiet-archive/legacy.zip', stallAfterBytes: 8 * 1024, times: 1 });
    const { id } = await h.link('octo', 'quiet-archive');
    const result = await h.initialSync(id);
    expect(result).toMatchObject({ status: 'synced', lastSyncedCommitSha: sha });
    expect(stall.hits).toBe(1);
    const files = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files?limit=1000`, headers: h.auth() })).json();
    expect(files.files).toHaveLength(150);
  });

  it('gives up on a tree request and a blob download that never answer, and the sync of the push still lands', async () => {
    const id = await importRepository(h, 'hung-push', { 'a.md': '# a\n' });

    const { sha } = await h.github.repos.commit('octo', 'hung-push', { message: 'edit', files: { 'a.md': '# a, edited\n', 'b.md': '# b\n' } });
    // Both requests are received and never answered while the test runs.
    const tree = h.github.faults.add({ path: '/repos/octo/hung-push/git/trees', holdUntil: held, times: 1 });
    const blob = h.github.faults.add({ path: '/repos/octo/hung-push/git/blobs', holdUntil: held, times: 1 });
    const started = Date.now();
    expect((await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync`, headers: h.auth() })).statusCode).toBe(202);
    await syncedTo(id, sha);
    expect(tree.hits).toBe(1);
    expect(blob.hits).toBe(1);
    // Seconds, not the hours of the activity's own timeout.
    expect(Date.now() - started).toBeLessThan(60_000);
    const content = await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files/a.md`, headers: h.auth() });
    expect(content.body).toBe('# a, edited\n');
  });
});
