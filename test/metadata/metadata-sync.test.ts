import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { createGitHubClients, type GitHubClients } from '../../src/github/project-client.js';
import { issuesRepository } from '../../src/db/repositories/issues.js';
import type { MetadataPhase, MetadataSyncResult } from '../../src/shared/metadata-sync.js';
import { startMetadataSync } from '../../src/temporal/metadata-sync.js';
import { appendCommits, git } from '@reposync/github-emulator/testing';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
let octokit: Octokit;
const quiet = { info: () => {}, warn: () => {} };

beforeAll(async () => {
  h = await startSyncHarness();
  octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
});
afterAll(() => h.close());

/** A repository with two branches, a tag, issues, a pull request, both kinds of comments and a release. */
async function busyRepository(name: string): Promise<{ owner: string; repo: string }> {
  const repo = { owner: 'octo', repo: name };
  await h.github.repos.create('octo', name);
  const base = (await h.github.repos.commit('octo', name, { message: 'initial', files: { 'a.txt': 'a\n' } })).sha;
  await h.github.repos.tag('octo', name, 'v0', base);
  await octokit.git.createRef({ ...repo, ref: 'refs/heads/topic', sha: base });
  await h.github.repos.commit('octo', name, { branch: 'topic', message: 'topic work', files: { 'b.txt': 'b\n' } });
  const { data: issue } = await octokit.issues.create({ ...repo, title: 'Broken', body: 'it is broken', labels: ['bug'] });
  await octokit.issues.createComment({ ...repo, issue_number: issue.number, body: 'confirmed' });
  const { data: pull } = await octokit.pulls.create({ ...repo, title: 'Fix', head: 'topic', base: 'main' });
  await octokit.pulls.createReviewComment({ ...repo, pull_number: pull.number, body: 'nit', commit_id: pull.head.sha, path: 'b.txt', line: 1 });
  const { data: release } = await octokit.repos.createRelease({ ...repo, tag_name: 'v1', name: 'One' });
  await h.github.repos.addReleaseAsset('octo', name, release.id, { name: 'app.zip', size: 2048 });
  return repo;
}

async function runMetadataSync(projectId: string): Promise<MetadataSyncResult> {
  const { workflowId } = await startMetadataSync(h.temporal, h.config, projectId);
  return h.temporal.workflow.getHandle(workflowId).result() as Promise<MetadataSyncResult>;
}

/** The phase activity called directly, as a resumed worker would run it, with a small commit budget. */
function phaseRunner(maxCommits: number) {
  const activities = createActivities({ db: h.db, blobs: h.blobs, github: createGitHubClients({ config: h.config.github, secrets: h.secrets }), githubApiUrl: h.config.github.apiUrl, log: quiet, metadataMaxCommitsPerRun: maxCommits });
  return (projectId: string, phase: MetadataPhase) => activities.syncMetadataPhase({ projectId, phase });
}

const count = async (table: 'refs' | 'commits' | 'issues' | 'pull_requests' | 'comments' | 'releases', projectId: string) =>
  Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow()).n);

describe('MetadataSync', () => {
  it('stores refs, commits, issues, pull requests, comments and releases, then costs only 304s while nothing changes', async () => {
    const repo = await busyRepository('busy');
    const { id } = await h.link(repo.owner, repo.repo);
    const first = await runMetadataSync(id);
    expect(first.phases.map((p) => p.phase)).toEqual(['branches', 'tags', 'commits', 'issues', 'pulls', 'comments', 'reviewComments', 'releases']);
    const refs = await h.db.selectFrom('refs').select(['kind', 'name']).where('project_id', '=', id).orderBy('kind').orderBy('name').execute();
    expect(refs.map((r) => `${r.kind}:${r.name}`)).toEqual(['branch:main', 'branch:topic', 'tag:v0', 'tag:v1']);
    expect(await count('commits', id)).toBe(2);
    expect(await issuesRepository(h.db).counts(id)).toEqual({ openIssues: 1, closedIssues: 0, openPullRequests: 1, closedPullRequests: 0, mergedPullRequests: 0 });
    expect(await issuesRepository(h.db).findPullRequest(id, 2)).toMatchObject({ head_ref: 'topic', base_ref: 'main', merged: false });
    expect((await h.db.selectFrom('comments').select(['kind', 'body', 'issue_number']).where('project_id', '=', id).orderBy('kind').execute())).toEqual([
      { kind: 'issue', body: 'confirmed', issue_number: 1 },
      { kind: 'review', body: 'nit', issue_number: 2 },
    ]);
    expect(await h.db.selectFrom('releases').select(['tag_name', 'assets']).where('project_id', '=', id).execute()).toEqual([{ tag_name: 'v1', assets: [{ name: 'app.zip', size: 2048, contentType: 'application/octet-stream' }] }]);

    h.github.requests.clear();
    const again = await runMetadataSync(id);
    const calls = h.github.requests.entries.filter((e) => e.host === 'api');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((e) => e.status === 304 && e.cost === 0)).toBe(true);
    expect(again.phases.reduce((n, p) => n + p.rowsWritten, 0)).toBe(0);
    const states = await h.db.selectFrom('sync_states').select(['phase', 'last_error_code']).where('project_id', '=', id).execute();
    expect(states.every((s) => s.last_error_code === null)).toBe(true);
  });

  it('removes a ref deleted upstream only after a listing succeeds', async () => {
    const repo = await busyRepository('refs-gone');
    const { id } = await h.link(repo.owner, repo.repo);
    const run = phaseRunner(100);
    await run(id, 'branches');
    await octokit.git.deleteRef({ ...repo, ref: 'heads/topic' });
    const fault = h.github.faults.add({ path: '/repos/octo/refs-gone/branches', status: 502, times: 10 });
    await expect(run(id, 'branches')).rejects.toThrow();
    fault.remove();
    const names = async () => (await h.db.selectFrom('refs').select('name').where('project_id', '=', id).where('kind', '=', 'branch').orderBy('name').execute()).map((r) => r.name);
    expect(await names()).toEqual(['main', 'topic']);
    expect((await h.db.selectFrom('sync_states').select('last_error_code').where('project_id', '=', id).where('phase', '=', 'branches').executeTakeFirstOrThrow()).last_error_code).toBe('github-unavailable');
    await run(id, 'branches');
    expect(await names()).toEqual(['main']);
  });

  it('resumes an interrupted issues listing from its stored cursor without duplicating rows', async () => {
    const repo = { owner: 'octo', repo: 'many-issues' };
    await h.github.repos.create('octo', 'many-issues');
    await h.github.repos.commit('octo', 'many-issues', { message: 'initial', files: { 'a.txt': 'a\n' } });
    for (let i = 0; i < 150; i++) await octokit.issues.create({ ...repo, title: `Issue ${i}` });
    const { id } = await h.link(repo.owner, repo.repo);
    // The connection drops on the second page, once: the phase dies between two pages.
    let dropped = false;
    const real = createGitHubClients({ config: h.config.github, secrets: h.secrets });
    const flaky: GitHubClients = async (project) => {
      const client = await real(project);
      client.octokit.hook.before('request', (options) => {
        if (!dropped && String(options.url).endsWith('/issues') && options.page === 2) {
          dropped = true;
          throw Object.assign(new Error('socket hang up'), { status: 502 });
        }
      });
      return client;
    };
    const interrupted = createActivities({ db: h.db, blobs: h.blobs, github: flaky, githubApiUrl: h.config.github.apiUrl, log: quiet });
    await expect(interrupted.syncMetadataPhase({ projectId: id, phase: 'issues' })).rejects.toThrow();
    expect(await count('issues', id)).toBe(100);
    const stored = await h.db.selectFrom('sync_states').selectAll().where('project_id', '=', id).where('phase', '=', 'issues').executeTakeFirstOrThrow();
    expect(stored.cursor).not.toBeNull();
    expect(stored.etag).toBeNull();

    await interrupted.syncMetadataPhase({ projectId: id, phase: 'issues' });
    expect(await count('issues', id)).toBe(150);
    await octokit.issues.update({ ...repo, issue_number: 3, title: 'Edited' });
    await interrupted.syncMetadataPhase({ projectId: id, phase: 'issues' });
    expect(await count('issues', id)).toBe(150);
    expect((await issuesRepository(h.db).find(id, 3))?.title).toBe('Edited');
  });

  it('stores a bounded number of commits per run and goes on from there in the next', async () => {
    const repo = { owner: 'octo', repo: 'history' };
    await h.github.repos.create('octo', 'history');
    await h.github.repos.commit('octo', 'history', { message: 'initial', files: { 'a.txt': 'a\n' } });
    await appendCommits(h.github.repos.path('octo', 'history'), 'main', 249);
    const { id } = await h.link(repo.owner, repo.repo);
    const run = phaseRunner(120);
    await run(id, 'branches');
    const first = await run(id, 'commits');
    expect(await count('commits', id)).toBe(120);
    expect(first.requests).toBe(2);
    await run(id, 'commits');
    expect(await count('commits', id)).toBe(240);
    await run(id, 'commits');
    expect(await count('commits', id)).toBe(250);
    h.github.requests.clear();
    const done = await run(id, 'commits');
    expect(done.requests).toBe(0);
  });

  it('stores a merged side history whose commits are older than a commit already stored', async () => {
    // As when a pull request from a fork is merged: its commits were never on a branch here, and
    // the main line moved on (and was stored) after they were made.
    await h.github.repos.create('octo', 'side-history');
    const c1 = (await h.github.repos.commit('octo', 'side-history', { message: 'initial', files: { 'a.txt': 'a\n' } })).sha;
    const gitDir = h.github.repos.path('octo', 'side-history');
    const tree = await git(gitDir, ['rev-parse', `${c1}^{tree}`]);
    const base = Math.floor(Date.now() / 1000);
    const commitAt = (offset: number, message: string, parents: string[]) =>
      git(gitDir, ['commit-tree', tree, '-m', message, ...parents.flatMap((p) => ['-p', p])], { GIT_AUTHOR_DATE: `${base + offset} +0000`, GIT_COMMITTER_DATE: `${base + offset} +0000` });
    const s1 = await commitAt(10, 'side 1', [c1]);
    const s2 = await commitAt(20, 'side 2', [s1]);
    const c2 = await commitAt(30, 'main 2', [c1]);
    await git(gitDir, ['update-ref', 'refs/heads/main', c2]);
    const { id } = await h.link('octo', 'side-history');
    const run = phaseRunner(100);
    await run(id, 'branches');
    await run(id, 'commits');
    const stored = async () => (await h.db.selectFrom('commits').select('sha').where('project_id', '=', id).execute()).map((r) => r.sha).sort();
    expect(await stored()).toEqual([c1, c2].sort());

    // The listing from the merge is M, c2 (stored), s2, s1, c1: the side commits come after a stored one.
    const merge = await commitAt(40, 'merge side', [c2, s2]);
    await git(gitDir, ['update-ref', 'refs/heads/main', merge]);
    await run(id, 'branches');
    await run(id, 'commits');
    expect(await stored()).toEqual([c1, c2, s1, s2, merge].sort());
  });

  it('makes no metadata request for a project with metadata switched off, and keeps its rows', async () => {
    const repo = await busyRepository('switched-off');
    const { id } = await h.link(repo.owner, repo.repo);
    await runMetadataSync(id);
    const issues = await count('issues', id);
    await h.db.updateTable('projects').set({ metadata: JSON.stringify({ refs: false, commits: false, issues: false, pullRequests: false, comments: false, releases: false }) }).where('id', '=', id).execute();
    h.github.requests.clear();
    const result = await runMetadataSync(id);
    expect(result.phases.every((p) => p.skipped && p.requests === 0)).toBe(true);
    expect(h.github.requests.entries.filter((e) => e.host === 'api')).toEqual([]);
    expect(await count('issues', id)).toBe(issues);
  });

  it('is started by the poll for imported projects, once per metadata interval, and never for a project with metadata switched off', async () => {
    const repo = await busyRepository('polled-metadata');
    const { id } = await h.link(repo.owner, repo.repo);
    expect((await h.initialSync(id)).status).toBe('synced');
    await h.github.repos.create('octo', 'polled-off');
    await h.github.repos.commit('octo', 'polled-off', { message: 'initial', files: { 'a.txt': 'a\n' } });
    const { id: off } = await h.link('octo', 'polled-off');
    expect((await h.initialSync(off)).status).toBe('synced');
    await h.db.updateTable('projects').set({ metadata: JSON.stringify({ refs: false, commits: false, issues: false, pullRequests: false, comments: false, releases: false }) }).where('id', '=', off).execute();

    const intervalMs = 1_500;
    const poll = await h.temporal.workflow.start('pollProjects', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: `poll-projects/metadata-${id}`,
      args: [{ intervalMs, concurrency: 2, stretchMs: 1_000, metadataIntervalMs: 3_600_000 }],
    });
    try {
      const requestedAt = async (projectId: string) => (await h.db.selectFrom('projects').select('metadata_requested_at').where('id', '=', projectId).executeTakeFirstOrThrow()).metadata_requested_at;
      const deadline = Date.now() + 30_000;
      // Releases are the last phase: once stored, the whole sync has run.
      while ((await count('releases', id)) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await count('releases', id)).toBe(1);
      expect(await count('issues', id)).toBeGreaterThan(0);
      const first = await requestedAt(id);
      expect(first).toBeInstanceOf(Date);
      // Two more rounds: within the metadata interval, the poll starts nothing again.
      const rounds = async () => (await h.db.selectFrom('poll_cursors').select('rounds_completed').where('task_queue', '=', h.config.temporal.taskQueue).executeTakeFirst())?.rounds_completed ?? 0;
      const target = (await rounds()) + 2;
      while ((await rounds()) < target && Date.now() < deadline + 15_000) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await rounds()).toBeGreaterThanOrEqual(target);
      expect(await requestedAt(id)).toEqual(first);
      expect(await requestedAt(off)).toBeNull();
      expect(await count('issues', off)).toBe(0);
    } finally {
      await poll.terminate('test over').catch(() => {});
    }
  }, 90_000);
});
