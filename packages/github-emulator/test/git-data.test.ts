import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

const blobSha = (content: string | Buffer) => {
  const bytes = Buffer.from(content);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

describe('Git Data API', () => {
  let h: Harness;
  let head: string;
  const repo = { owner: 'acme', repo: 'data' };

  beforeAll(async () => {
    h = await startHarness({ limits: { treeEntries: 5 } });
    await h.emulator.repos.create('acme', 'data');
    head = (
      await h.emulator.repos.commit('acme', 'data', {
        message: 'init',
        files: {
          'a.txt': 'alpha\n',
          'bin/run.sh': { content: '#!/bin/sh\necho hi\n', mode: '100755' },
          'docs/guide.md': '# guide\n',
          'docs/deep/x.md': 'x\n',
          'link': { symlink: 'a.txt' },
        },
      })
    ).sha;
  });
  afterAll(() => h.close());

  it('lists a tree recursively with blob SHAs that match the content', async () => {
    h.emulator.limits.treeEntries = 100_000;
    const { data } = await h.octokit.git.getTree({ ...repo, tree_sha: head, recursive: '1' });
    expect(data.truncated).toBe(false);
    const byPath = Object.fromEntries(data.tree.map((e) => [e.path, e]));
    expect(Object.keys(byPath).sort()).toEqual(['a.txt', 'bin', 'bin/run.sh', 'docs', 'docs/deep', 'docs/deep/x.md', 'docs/guide.md', 'link']);
    expect(byPath['a.txt']).toMatchObject({ type: 'blob', mode: '100644', sha: blobSha('alpha\n'), size: 6 });
    expect(byPath['bin/run.sh']?.mode).toBe('100755');
    expect(byPath['link']).toMatchObject({ mode: '120000', sha: blobSha('a.txt') });
    expect(byPath['docs']?.type).toBe('tree');
    h.emulator.limits.treeEntries = 5;
  });

  it('truncates a recursive tree past the entry limit, but not a flat one', async () => {
    const { data } = await h.octokit.git.getTree({ ...repo, tree_sha: 'main', recursive: 'true' });
    expect(data.truncated).toBe(true);
    expect(data.tree).toHaveLength(5);
    const flat = await h.octokit.git.getTree({ ...repo, tree_sha: head });
    expect(flat.data.truncated).toBe(false);
    expect(flat.data.tree.map((e) => e.path)).toEqual(['a.txt', 'bin', 'docs', 'link']);
  });

  it('truncates past the byte limit', async () => {
    const saved = { ...h.emulator.limits };
    Object.assign(h.emulator.limits, { treeEntries: 100_000, treeBytes: 400 });
    const { data } = await h.octokit.git.getTree({ ...repo, tree_sha: head, recursive: '1' });
    Object.assign(h.emulator.limits, saved);
    expect(data.truncated).toBe(true);
    expect(data.tree.length).toBeGreaterThan(0);
    expect(data.tree.length).toBeLessThan(8);
  });

  it('round-trips blobs in utf-8 and base64', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 10]);
    const created = await h.octokit.git.createBlob({ ...repo, content: bytes.toString('base64'), encoding: 'base64' });
    expect(created.status).toBe(201);
    expect(created.data.sha).toBe(blobSha(bytes));
    const { data } = await h.octokit.git.getBlob({ ...repo, file_sha: created.data.sha });
    expect(data.encoding).toBe('base64');
    expect(Buffer.from(data.content, 'base64')).toEqual(bytes);
    expect(data.size).toBe(6);
    const text = await h.octokit.git.createBlob({ ...repo, content: 'héllo\n' });
    expect(text.data.sha).toBe(blobSha('héllo\n'));
  });

  it('builds a tree on base_tree with content, sha, deletions and new directories', async () => {
    const base = (await h.octokit.git.getCommit({ ...repo, commit_sha: head })).data.tree.sha;
    const blob = await h.octokit.git.createBlob({ ...repo, content: 'from blob\n' });
    const { data: tree } = await h.octokit.git.createTree({
      ...repo,
      base_tree: base,
      tree: [
        { path: 'a.txt', mode: '100644', type: 'blob', content: 'alpha 2\n' },
        { path: 'new/dir/file.txt', mode: '100644', type: 'blob', sha: blob.data.sha },
        { path: 'docs', mode: '040000', type: 'tree', sha: null },
        { path: 'bin/run.sh', mode: '100755', type: 'blob', sha: null },
      ],
    });
    const { data: listed } = await h.octokit.git.getTree({ ...repo, tree_sha: tree.sha, recursive: '1' });
    const files = listed.tree.filter((e) => e.type === 'blob').map((e) => [e.path, e.sha]);
    expect(files).toEqual([
      ['a.txt', blobSha('alpha 2\n')],
      ['link', blobSha('a.txt')],
      ['new/dir/file.txt', blobSha('from blob\n')],
    ]);
  });

  it('rejects a tree entry carrying both content and sha, and unknown modes', async () => {
    const blob = await h.octokit.git.createBlob({ ...repo, content: 'x' });
    await expect(
      h.octokit.git.createTree({ ...repo, tree: [{ path: 'x', mode: '100644', type: 'blob', sha: blob.data.sha, content: 'x' }] }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(h.octokit.request('POST /repos/{owner}/{repo}/git/trees', { ...repo, tree: [{ path: 'x', mode: '100600' as '100644', type: 'blob', content: 'x' }] })).rejects.toMatchObject({ status: 422 });
    await expect(h.octokit.git.createTree({ ...repo, tree: [{ path: 'x', mode: '100644', type: 'blob', sha: 'e'.repeat(40) }] })).rejects.toMatchObject({ status: 422 });
  });

  it('supports submodule entries (160000) pointing outside the repository', async () => {
    const { data: tree } = await h.octokit.git.createTree({ ...repo, tree: [{ path: 'vendor/lib', mode: '160000', type: 'commit', sha: 'a'.repeat(40) }] });
    const { data } = await h.octokit.git.getTree({ ...repo, tree_sha: tree.sha, recursive: '1' });
    expect(data.tree.find((e) => e.path === 'vendor/lib')).toMatchObject({ mode: '160000', type: 'commit', sha: 'a'.repeat(40) });
  });

  it('creates and reads commits, then moves the branch with the outbound flow', async () => {
    const base = (await h.octokit.git.getCommit({ ...repo, commit_sha: head })).data.tree.sha;
    const { data: tree } = await h.octokit.git.createTree({ ...repo, base_tree: base, tree: [{ path: 'out.md', mode: '100644', type: 'blob', content: 'edited\n' }] });
    const author = { name: 'Ada', email: 'ada@example.com', date: '2024-01-02T03:04:05Z' };
    const { data: commit } = await h.octokit.git.createCommit({ ...repo, message: 'outbound edit', tree: tree.sha, parents: [head], author });
    expect(commit.author).toEqual(author);
    expect(commit.parents.map((p) => p.sha)).toEqual([head]);
    const { data: read } = await h.octokit.git.getCommit({ ...repo, commit_sha: commit.sha });
    expect(read).toMatchObject({ sha: commit.sha, message: 'outbound edit', tree: { sha: tree.sha } });
    const { data: ref } = await h.octokit.git.updateRef({ ...repo, ref: 'heads/main', sha: commit.sha, force: false });
    expect(ref.object.sha).toBe(commit.sha);
    await expect(h.octokit.git.createCommit({ ...repo, message: 'bad', tree: tree.sha, parents: ['b'.repeat(40)] })).rejects.toMatchObject({ status: 422 });
  });
});
