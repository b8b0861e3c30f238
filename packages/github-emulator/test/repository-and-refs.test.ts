import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

describe('repository, branches, commits and refs', () => {
  let h: Harness;
  let first: string;
  let second: string;

  beforeAll(async () => {
    h = await startHarness();
    await h.emulator.repos.create('acme', 'widgets', { defaultBranch: 'trunk' });
    first = (await h.emulator.repos.commit('acme', 'widgets', { message: 'first', files: { 'README.md': '# widgets\n', 'src/a.ts': 'export const a = 1;\n' } })).sha;
    second = (await h.emulator.repos.commit('acme', 'widgets', { message: 'second', files: { 'src/a.ts': 'export const a = 2;\n' } })).sha;
    await h.emulator.repos.tag('acme', 'widgets', 'v1.0.0', first);
  });
  afterAll(() => h.close());

  it('reports the default branch from the repository, not an assumed main', async () => {
    const { data } = await h.octokit.repos.get({ owner: 'acme', repo: 'widgets' });
    expect(data.default_branch).toBe('trunk');
    expect(data.full_name).toBe('acme/widgets');
    expect(data.private).toBe(false);
    expect(data.archived).toBe(false);
  });

  it('lists and gets branches with their protection flag', async () => {
    await h.octokit.git.createRef({ owner: 'acme', repo: 'widgets', ref: 'refs/heads/feature/x', sha: first });
    await h.emulator.repos.setProtection('acme', 'widgets', 'trunk', true);
    const { data: branches } = await h.octokit.repos.listBranches({ owner: 'acme', repo: 'widgets' });
    expect(branches.map((b) => [b.name, b.protected])).toEqual([
      ['feature/x', false],
      ['trunk', true],
    ]);
    const { data: branch } = await h.octokit.repos.getBranch({ owner: 'acme', repo: 'widgets', branch: 'feature/x' });
    expect(branch.commit.sha).toBe(first);
    const { data: protection } = await h.octokit.repos.getBranchProtection({ owner: 'acme', repo: 'widgets', branch: 'trunk' });
    expect(protection.required_pull_request_reviews).toBeDefined();
    await expect(h.octokit.repos.getBranchProtection({ owner: 'acme', repo: 'widgets', branch: 'feature/x' })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Branch not protected' } },
    });
    await h.emulator.repos.setProtection('acme', 'widgets', 'trunk', false);
  });

  it('gets a commit with its files and returns only the SHA for the sha media type', async () => {
    const { data } = await h.octokit.repos.getCommit({ owner: 'acme', repo: 'widgets', ref: 'trunk' });
    expect(data.sha).toBe(second);
    expect(data.parents.map((p) => p.sha)).toEqual([first]);
    expect(data.files?.map((f) => [f.filename, f.status, f.additions, f.deletions])).toEqual([['src/a.ts', 'modified', 1, 1]]);
    const sha = await h.octokit.request('GET /repos/{owner}/{repo}/commits/{ref}', { owner: 'acme', repo: 'widgets', ref: 'trunk', mediaType: { format: 'sha' } });
    expect(sha.data).toBe(second);
  });

  it('gets refs, lists matching refs and tags', async () => {
    const { data: ref } = await h.octokit.git.getRef({ owner: 'acme', repo: 'widgets', ref: 'heads/trunk' });
    expect(ref).toMatchObject({ ref: 'refs/heads/trunk', object: { sha: second, type: 'commit' } });
    const { data: matching } = await h.octokit.git.listMatchingRefs({ owner: 'acme', repo: 'widgets', ref: 'heads/feat' });
    expect(matching.map((r) => r.ref)).toEqual(['refs/heads/feature/x']);
    const { data: tags } = await h.octokit.repos.listTags({ owner: 'acme', repo: 'widgets' });
    expect(tags.map((t) => [t.name, t.commit.sha])).toEqual([['v1.0.0', first]]);
    await expect(h.octokit.git.getRef({ owner: 'acme', repo: 'widgets', ref: 'heads/nope' })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a non-fast-forward update with force:false and accepts it with force:true', async () => {
    await h.octokit.git.createRef({ owner: 'acme', repo: 'widgets', ref: 'refs/heads/moving', sha: second });
    await expect(h.octokit.git.updateRef({ owner: 'acme', repo: 'widgets', ref: 'heads/moving', sha: first, force: false })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Update is not a fast forward' } },
    });
    expect((await h.octokit.git.getRef({ owner: 'acme', repo: 'widgets', ref: 'heads/moving' })).data.object.sha).toBe(second);
    const { data } = await h.octokit.git.updateRef({ owner: 'acme', repo: 'widgets', ref: 'heads/moving', sha: first, force: true });
    expect(data.object.sha).toBe(first);
    await h.octokit.git.deleteRef({ owner: 'acme', repo: 'widgets', ref: 'heads/moving' });
    await expect(h.octokit.git.getRef({ owner: 'acme', repo: 'widgets', ref: 'heads/moving' })).rejects.toMatchObject({ status: 404 });
    await expect(h.octokit.git.deleteRef({ owner: 'acme', repo: 'widgets', ref: 'heads/moving' })).rejects.toMatchObject({ status: 422 });
  });

  it('refuses to create an existing ref and a ref to a missing object', async () => {
    await expect(h.octokit.git.createRef({ owner: 'acme', repo: 'widgets', ref: 'refs/heads/trunk', sha: first })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Reference already exists' } },
    });
    await expect(h.octokit.git.createRef({ owner: 'acme', repo: 'widgets', ref: 'refs/heads/ghost', sha: 'f'.repeat(40) })).rejects.toMatchObject({ status: 422 });
  });

  it('refuses direct updates of a protected branch but not of others', async () => {
    await h.emulator.repos.setProtection('acme', 'widgets', 'trunk', true);
    const third = await h.octokit.git.createCommit({ owner: 'acme', repo: 'widgets', message: 'third', tree: (await h.octokit.git.getCommit({ owner: 'acme', repo: 'widgets', commit_sha: second })).data.tree.sha, parents: [second] });
    await expect(h.octokit.git.updateRef({ owner: 'acme', repo: 'widgets', ref: 'heads/trunk', sha: third.data.sha })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Protected branch update failed for refs/heads/trunk.' } },
    });
    await h.emulator.repos.setProtection('acme', 'widgets', 'trunk', false);
    const { data } = await h.octokit.git.updateRef({ owner: 'acme', repo: 'widgets', ref: 'heads/trunk', sha: third.data.sha });
    expect(data.object.sha).toBe(third.data.sha);
  });

  it('404s an unknown repository', async () => {
    await expect(h.octokit.repos.get({ owner: 'acme', repo: 'missing' })).rejects.toMatchObject({ status: 404 });
  });
});
