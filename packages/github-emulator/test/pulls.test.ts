import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startReceiver, type Harness } from './helpers.js';

describe('pull requests', () => {
  let h: Harness;
  const repo = { owner: 'acme', repo: 'prs' };

  beforeAll(async () => {
    h = await startHarness();
    await h.emulator.repos.create('acme', 'prs');
    const base = (await h.emulator.repos.commit('acme', 'prs', { message: 'init', files: { 'doc.md': 'one\n', 'other.md': 'x\n' } })).sha;
    for (const branch of ['edit', 'conflict', 'squashy']) await h.octokit.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: base });
    await h.emulator.repos.commit('acme', 'prs', { branch: 'edit', message: 'edit doc', files: { 'doc.md': 'one\ntwo\n' } });
    await h.emulator.repos.commit('acme', 'prs', { branch: 'conflict', message: 'conflicting', files: { 'other.md': 'from branch\n' } });
    await h.emulator.repos.commit('acme', 'prs', { branch: 'squashy', message: 's1', files: { 's.md': '1\n' } });
    await h.emulator.repos.commit('acme', 'prs', { branch: 'squashy', message: 's2', files: { 's.md': '2\n' } });
    await h.emulator.repos.commit('acme', 'prs', { message: 'main edits other', files: { 'other.md': 'from main\n' } });
  });
  afterAll(() => h.close());

  it('creates, lists and gets a pull request with live head and stats', async () => {
    const { data: pr } = await h.octokit.pulls.create({ ...repo, title: 'Edit doc', head: 'edit', base: 'main', body: 'Please merge' });
    expect(pr).toMatchObject({ number: 1, state: 'open', merged: false, head: { ref: 'edit' }, base: { ref: 'main' }, commits: 1, additions: 1, changed_files: 1, mergeable: true });
    const { data: list } = await h.octokit.pulls.list({ ...repo, state: 'open' });
    expect(list.map((p) => p.number)).toEqual([1]);
    await expect(h.octokit.pulls.create({ ...repo, title: 'dup', head: 'edit', base: 'main' })).rejects.toMatchObject({ status: 422 });
    await expect(h.octokit.pulls.create({ ...repo, title: 'none', head: 'main', base: 'main' })).rejects.toMatchObject({ status: 422 });
  });

  it('merges through the PR even when the base branch is protected, and delivers the push', async () => {
    const receiver = await startReceiver();
    await h.octokit.repos.createWebhook({ ...repo, config: { url: receiver.url, content_type: 'json' } });
    await receiver.waitFor(1);
    await h.emulator.repos.setProtection('acme', 'prs', 'main', true);
    const before = await h.emulator.repos.head('acme', 'prs');
    const { data } = await h.octokit.pulls.merge({ ...repo, pull_number: 1 });
    expect(data.merged).toBe(true);
    const { data: commit } = await h.octokit.git.getCommit({ ...repo, commit_sha: data.sha });
    expect(commit.parents.map((p) => p.sha)).toEqual([before, await h.emulator.repos.head('acme', 'prs', 'edit')]);
    expect(await h.emulator.repos.head('acme', 'prs')).toBe(data.sha);
    await receiver.waitFor(2);
    expect(JSON.parse(receiver.received[1]!.body)).toMatchObject({ ref: 'refs/heads/main', after: data.sha });
    const { data: merged } = await h.octokit.pulls.get({ ...repo, pull_number: 1 });
    expect(merged).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: data.sha });
    expect((await h.octokit.pulls.checkIfMerged({ ...repo, pull_number: 1 })).status).toBe(204);
    await expect(h.octokit.pulls.merge({ ...repo, pull_number: 1 })).rejects.toMatchObject({ status: 405 });
    await h.emulator.repos.setProtection('acme', 'prs', 'main', false);
    await receiver.close();
  });

  it('refuses to merge a conflicting pull request and one whose head moved', async () => {
    const { data: pr } = await h.octokit.pulls.create({ ...repo, title: 'Conflict', head: 'conflict', base: 'main' });
    expect(pr.mergeable).toBe(false);
    await expect(h.octokit.pulls.merge({ ...repo, pull_number: pr.number })).rejects.toMatchObject({ status: 405 });
    const { data: sq } = await h.octokit.pulls.create({ ...repo, title: 'Squash me', head: 'squashy', base: 'main' });
    await expect(h.octokit.pulls.merge({ ...repo, pull_number: sq.number, sha: 'a'.repeat(40) })).rejects.toMatchObject({ status: 409 });
  });

  it('squash-merges into a single commit with one parent', async () => {
    const { data: list } = await h.octokit.pulls.list({ ...repo, head: 'acme:squashy' });
    const before = await h.emulator.repos.head('acme', 'prs');
    const { data } = await h.octokit.pulls.merge({ ...repo, pull_number: list[0]!.number, merge_method: 'squash' });
    const { data: commit } = await h.octokit.git.getCommit({ ...repo, commit_sha: data.sha });
    expect(commit.parents.map((p) => p.sha)).toEqual([before]);
    expect(commit.message).toBe(`Squash me (#${list[0]!.number})`);
    const { data: tree } = await h.octokit.git.getTree({ ...repo, tree_sha: data.sha });
    expect(tree.tree.map((e) => e.path)).toContain('s.md');
  });
});
