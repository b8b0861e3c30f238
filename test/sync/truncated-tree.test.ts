import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lsTree } from '../support/git-cli.js';
import type { FileList } from '../support/api-answers.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
beforeAll(async () => {
  // GitHub truncates recursive trees past 100,000 entries; a lower limit reaches it with small repositories.
  h = await startSyncHarness({ emulatorLimits: { treeEntries: 60 } });
});
afterAll(() => h.close());

describe('InitialSync of a tree GitHub truncates', () => {
  it('reads it sub-tree by sub-tree and still imports every path exactly', async () => {
    await h.github.repos.create('octo', 'wide', {});
    const files: Record<string, string> = { 'README.md': '# wide\n' };
    for (let i = 0; i < 30; i += 1) files[`small/f${i}.txt`] = `small ${i}\n`;
    for (let i = 0; i < 120; i += 1) files[`big/part-${i % 4}/f${i}.txt`] = `big ${i}\n`;
    const { sha } = await h.github.repos.commit('octo', 'wide', { message: 'wide', files });
    const { id } = await h.link('octo', 'wide');
    h.github.requests.clear();

    expect(await h.initialSync(id)).toMatchObject({ status: 'synced', lastSyncedCommitSha: sha });
    const truth = await lsTree(h.github.repos.path('octo', 'wide'), sha);
    const listed = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files?limit=1000`, headers: h.auth() })).json<FileList>().files;
    expect(listed.map((file) => [file.path, file.sha]).sort()).toEqual([...truth.entries()].map(([path, entry]) => [path, entry.sha]).sort());

    // root (truncated) + root level + small/ + big/ (truncated) + big level + its 4 parts.
    const treeRequests = h.github.requests.entries.filter((entry) => entry.route === 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}').length;
    expect(treeRequests).toBe(9);
  }, 60_000);
});
