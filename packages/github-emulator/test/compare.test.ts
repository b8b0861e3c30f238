import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCommits, startHarness, type Harness } from './helpers.js';

describe('compare', () => {
  let h: Harness;
  const repo = { owner: 'acme', repo: 'cmp' };
  let root: string;

  beforeAll(async () => {
    h = await startHarness();
    const { repos } = h.emulator;
    await repos.create('acme', 'cmp');
    root = (await repos.commit('acme', 'cmp', { message: 'root', files: { 'keep.txt': 'keep\n', 'old-name.txt': 'line 1\nline 2\nline 3\nline 4\n', 'gone.txt': 'bye\n' } })).sha;
    await h.octokit.git.createRef({ ...repo, ref: 'refs/heads/topic', sha: root });
    await repos.commit('acme', 'cmp', { branch: 'topic', message: 'rename and edit', files: { 'old-name.txt': null, 'new-name.txt': 'line 1\nline 2\nline 3\nline 4\n', 'gone.txt': null, 'added.txt': 'new\n', 'keep.txt': 'keep\nmore\n' } });
    await repos.commit('acme', 'cmp', { branch: 'topic', message: 'second topic commit', files: { 'added.txt': 'new\nnewer\n' } });
    await repos.commit('acme', 'cmp', { branch: 'main', message: 'main moves on', files: { 'main-only.txt': 'main\n' } });
  });
  afterAll(() => h.close());

  it('reports a diverged comparison with counts, merge base and commits oldest first', async () => {
    const { data } = await h.octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: 'main...topic' });
    expect(data.status).toBe('diverged');
    expect(data.ahead_by).toBe(2);
    expect(data.behind_by).toBe(1);
    expect(data.total_commits).toBe(2);
    expect(data.merge_base_commit.sha).toBe(root);
    expect(data.commits.map((c) => c.commit.message)).toEqual(['rename and edit', 'second topic commit']);
  });

  it('lists three-dot file changes with renames, removals and patches', async () => {
    const { data } = await h.octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: 'main...topic' });
    const files = Object.fromEntries((data.files ?? []).map((f) => [f.filename, f]));
    expect(Object.keys(files).sort()).toEqual(['added.txt', 'gone.txt', 'keep.txt', 'new-name.txt']);
    expect(files['new-name.txt']).toMatchObject({ status: 'renamed', previous_filename: 'old-name.txt', additions: 0, deletions: 0 });
    expect(files['gone.txt']).toMatchObject({ status: 'removed', deletions: 1 });
    expect(files['added.txt']).toMatchObject({ status: 'added', additions: 2, changes: 2 });
    expect(files['keep.txt']).toMatchObject({ status: 'modified', additions: 1, deletions: 0 });
    expect(files['keep.txt']?.patch).toBe('@@ -1 +1,2 @@\n keep\n+more');
    // main-only.txt is on the base side only: a three-dot diff does not show it.
    expect(files['main-only.txt']).toBeUndefined();
  });

  it('reports ahead, behind and identical', async () => {
    const ahead = await h.octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: `${root}...topic` });
    expect([ahead.data.status, ahead.data.ahead_by, ahead.data.behind_by]).toEqual(['ahead', 2, 0]);
    const behind = await h.octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: `topic...${root}` });
    expect([behind.data.status, behind.data.ahead_by, behind.data.behind_by]).toEqual(['behind', 0, 2]);
    expect(behind.data.files).toEqual([]);
    const same = await h.octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: 'topic...topic' });
    expect([same.data.status, same.data.total_commits, same.data.commits.length]).toEqual(['identical', 0, 0]);
  });

  it('404s when a side is unknown', async () => {
    await expect(h.octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: 'main...nope' })).rejects.toMatchObject({ status: 404 });
    await expect(h.octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: `${'c'.repeat(40)}...main` })).rejects.toMatchObject({ status: 404 });
  });

  it('caps files at 300 and commits at 250, paginating commits when asked', async () => {
    const { repos } = h.emulator;
    await repos.create('acme', 'big');
    const base = (await repos.commit('acme', 'big', { message: 'base', files: { 'seed.txt': 'seed\n' } })).sha;
    const files: Record<string, string> = {};
    for (let i = 0; i < 320; i++) files[`f/${String(i).padStart(3, '0')}.txt`] = `file ${i}\n`;
    await repos.commit('acme', 'big', { message: 'many files', files });
    await appendCommits(repos.path('acme', 'big'), 'main', 259);
    const big = { owner: 'acme', repo: 'big' };
    const { data } = await h.octokit.repos.compareCommitsWithBasehead({ ...big, basehead: `${base}...main` });
    expect(data.total_commits).toBe(260);
    expect(data.files).toHaveLength(300);
    expect(data.commits).toHaveLength(250);
    // Without paging parameters the list ends with the newest commit.
    expect(data.commits.at(-1)?.commit.message).toBe('c258');
    const page1 = await h.octokit.repos.compareCommitsWithBasehead({ ...big, basehead: `${base}...main`, per_page: 100, page: 1 });
    expect(page1.data.commits[0]?.commit.message).toBe('many files');
    expect(page1.data.files).toHaveLength(300);
    expect(page1.headers.link).toContain('rel="next"');
    const page3 = await h.octokit.repos.compareCommitsWithBasehead({ ...big, basehead: `${base}...main`, per_page: 100, page: 3 });
    expect(page3.data.commits).toHaveLength(60);
    expect(page3.data.files).toBeUndefined();
    // Octokit follows the Link headers across pages.
    const messages: string[] = [];
    for await (const res of h.octokit.paginate.iterator(h.octokit.repos.compareCommitsWithBasehead, { ...big, basehead: `${base}...main`, per_page: 100 })) {
      // Octokit types the paginated compare as its item list; at runtime each page is the whole comparison.
      const page = res.data as unknown as { commits: Array<{ commit: { message: string } }> };
      messages.push(...page.commits.map((c) => c.commit.message));
    }
    expect(messages).toHaveLength(260);
    expect(messages[0]).toBe('many files');
    expect(messages.at(-1)).toBe('c258');
  });
});
