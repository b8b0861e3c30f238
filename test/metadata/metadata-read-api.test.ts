import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentsRepository, type CommentInput } from '../../src/db/repositories/comments.js';
import { commitsRepository, type CommitInput } from '../../src/db/repositories/commits.js';
import { issuesRepository, type IssueInput, type PullRequestInput } from '../../src/db/repositories/issues.js';
import { refsRepository } from '../../src/db/repositories/refs.js';
import { releasesRepository, type ReleaseInput } from '../../src/db/repositories/releases.js';
import type { Commit, CommitPage, ErrorAnswer, Project, ProjectView, Pull, PullDetail, PullPage, Release, ReleasePage } from '../support/api-answers.js';
import { startApiHarness, type ApiHarness } from '../support/api-harness.js';

let h: ApiHarness;
let projectId: string;
let otherProjectId: string;

/** A commit SHA that reads as its name: `c1` → `c1c1…c1` (40 hex digits). */
const sha = (name: string) => name.repeat(20);

function commit(name: string, parents: string[], committedAt: string | null, author: { login: string | null; name: string; email: string }): CommitInput {
  const date = committedAt === null ? null : new Date(committedAt);
  return {
    sha: sha(name),
    author_name: author.name,
    author_email: author.email,
    author_login: author.login,
    authored_at: date,
    committer_name: author.name,
    committer_email: author.email,
    committed_at: date,
    message: `commit ${name}`,
    parents: parents.map(sha),
  };
}

function issue(number: number, fields: Partial<IssueInput> = {}): IssueInput {
  const at = new Date(`2026-02-${String(number).padStart(2, '0')}T00:00:00Z`);
  return { number, github_id: 5000 + number, is_pull_request: false, state: 'open', state_reason: null, title: `Item ${number}`, body: null, labels: '[]', assignees: '[]', milestone: null, author_login: 'alice', created_at: at, updated_at: at, closed_at: null, ...fields };
}

function pull(number: number, base: string, fields: Partial<PullRequestInput> = {}): PullRequestInput {
  return { number, head_ref: `topic-${number}`, head_sha: sha('ab'), base_ref: base, base_sha: sha('cd'), merged: false, merged_at: null, merge_commit_sha: null, draft: false, updated_at: new Date('2026-02-20T00:00:00Z'), ...fields };
}

function comment(kind: 'issue' | 'review', githubId: number, issueNumber: number, body: string, review: Partial<CommentInput> = {}): CommentInput {
  const at = new Date(`2026-03-01T00:00:${String(githubId % 60).padStart(2, '0')}Z`);
  return { kind, github_id: githubId, issue_number: issueNumber, author_login: 'bob', body, path: null, line: null, commit_sha: null, created_at: at, updated_at: at, ...review };
}

function release(githubId: number, tag: string, assets: { name: string; size: number; contentType: string }[] = []): ReleaseInput {
  return { github_id: githubId, tag_name: tag, name: `Release ${tag}`, body: null, draft: false, prerelease: false, author_login: 'alice', assets: JSON.stringify(assets), created_at: new Date('2026-04-01T00:00:00Z'), published_at: new Date('2026-04-02T00:00:00Z') };
}

const alice = { login: 'alice', name: 'Alice A', email: 'alice@example.com' };
const bob = { login: null, name: 'Bob B', email: 'bob@example.com' };

async function link(key: string, repo: string): Promise<string> {
  const response = await h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(key), payload: { owner: 'octo', repo } });
  if (response.statusCode !== 201) throw new Error(`link failed: ${response.statusCode} ${response.body}`);
  return response.json<Project>().id;
}

beforeAll(async () => {
  h = await startApiHarness();
  projectId = await link(h.key, 'read-api');
  otherProjectId = await link(h.otherKey, 'read-api-other');

  // main: c1 ← c2 ← … ← c6; feature branches off c3 with f1 ← f2, f2 dated exactly like c5; u1 has no date.
  await commitsRepository(h.db).insert(projectId, [
    commit('c1', [], '2026-01-01T10:00:00Z', alice),
    commit('c2', ['c1'], '2026-01-02T10:00:00Z', bob),
    commit('c3', ['c2'], '2026-01-03T10:00:00Z', alice),
    commit('c4', ['c3'], '2026-01-04T10:00:00Z', bob),
    commit('c5', ['c4'], '2026-01-05T10:00:00Z', alice),
    commit('c6', ['c5'], '2026-01-06T10:00:00Z', bob),
    commit('f1', ['c3'], '2026-01-04T12:00:00Z', bob),
    commit('f2', ['f1'], '2026-01-05T10:00:00Z', bob),
    commit('e1', [], null, bob),
  ]);
  await refsRepository(h.db).upsert(projectId, [
    { name: 'main', kind: 'branch', sha: sha('c6'), peeled_sha: null, protected: true },
    { name: 'feature', kind: 'branch', sha: sha('f2'), peeled_sha: null, protected: false },
    { name: 'v1', kind: 'tag', sha: sha('c2'), peeled_sha: null, protected: false },
    // A branch named like a tag: the bare name means the tag, as git resolves it.
    { name: 'v1', kind: 'branch', sha: sha('c6'), peeled_sha: null, protected: false },
    // An annotated tag: its own object, and the commit it points at.
    { name: 'v0', kind: 'tag', sha: sha('dd'), peeled_sha: sha('c1'), protected: false },
  ]);

  const issues = issuesRepository(h.db);
  await issues.upsert(projectId, [
    issue(1),
    issue(2, { is_pull_request: true }),
    issue(3, { is_pull_request: true, state: 'closed', closed_at: new Date('2026-02-10T00:00:00Z') }),
    issue(4, { is_pull_request: true, state: 'closed' }),
    issue(5, { is_pull_request: true }),
    issue(6, { state: 'closed', state_reason: 'completed' }),
    // Listed as a pull request by the issues listing; the pull request listing has not stored it yet.
    issue(7, { is_pull_request: true }),
  ]);
  await issues.upsertPullRequests(projectId, [
    pull(2, 'main'),
    pull(3, 'main', { merged: true, merged_at: new Date('2026-02-10T00:00:00Z'), merge_commit_sha: sha('c6'), review_comment_count: 2 }),
    pull(4, 'release'),
    pull(5, 'release', { draft: true }),
  ]);
  await commentsRepository(h.db).upsert(projectId, [
    comment('issue', 11, 3, 'looks good'),
    comment('review', 21, 3, 'nit: rename', { path: 'src/a.ts', line: 12, commit_sha: sha('ab') }),
    comment('review', 22, 3, 'and here', { path: 'src/b.ts', line: 3, commit_sha: sha('ab') }),
    comment('review', 23, 2, 'on another pull request', { path: 'src/a.ts', line: 1, commit_sha: sha('ab') }),
    comment('issue', 12, 1, 'on an issue'),
  ]);
  await releasesRepository(h.db).upsert(projectId, [
    release(101, 'v1'),
    release(205, 'v2'),
    release(330, 'v3', [
      { name: 'reposync-linux.tar.gz', size: 1_234_567, contentType: 'application/gzip' },
      { name: 'checksums.txt', size: 180, contentType: 'text/plain' },
    ]),
  ]);

  // Another tenant's project holds rows that tenant A must never see.
  await commitsRepository(h.db).insert(otherProjectId, [commit('aa', [], '2026-01-07T10:00:00Z', alice)]);
  await issuesRepository(h.db).upsert(otherProjectId, [issue(8, { is_pull_request: true }), issue(9)]);
  await issuesRepository(h.db).upsertPullRequests(otherProjectId, [pull(8, 'main')]);
  await releasesRepository(h.db).upsert(otherProjectId, [release(999, 'other')]);
});
afterAll(() => h.close());

const get = (url: string, key?: string) => h.app.inject({ method: 'GET', url, headers: h.auth(key) });

/** Follows nextCursor from the first page to the last, returning every item in order. */
async function readAll<T>(path: string, field: string, limit: number): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  const separator = path.includes('?') ? '&' : '?';
  for (let page = 0; page < 50; page++) {
    const response = await get(`${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<Record<string, unknown> & { nextCursor: string | null }>();
    items.push(...(body[field] as T[]));
    cursor = body.nextCursor;
    if (cursor === null) return items;
  }
  throw new Error(`${path} never stopped paging`);
}

const names = (commits: Commit[]) => commits.map((c) => c.sha.slice(0, 2));

describe('GET /api/projects/:id/commits', () => {
  const url = () => `/api/projects/${projectId}/commits`;

  it('pages every commit newest first to the end without a duplicate, across commits with the same date', async () => {
    const all = await readAll<Commit>(url(), 'commits', 2);
    // A commit without a date comes first; f2 and c5 share a date and are ordered by SHA.
    expect(names(all)).toEqual(['e1', 'c6', 'c5', 'f2', 'f1', 'c4', 'c3', 'c2', 'c1']);
    for (const limit of [1, 3]) expect(names(await readAll(url(), 'commits', limit)), `limit ${limit}`).toEqual(names(all));
  });

  it('shows the author, committer and parents of a commit', async () => {
    const [latest] = (await get(`${url()}?since=2026-01-06T00:00:00Z`)).json<CommitPage>().commits;
    expect(latest).toEqual({
      sha: sha('c6'),
      message: 'commit c6',
      author: { login: null, name: 'Bob B', email: 'bob@example.com', date: '2026-01-06T10:00:00.000Z' },
      committer: { name: 'Bob B', email: 'bob@example.com', date: '2026-01-06T10:00:00.000Z' },
      parents: [sha('c5')],
    });
  });

  it('filters by the ref a commit is reachable from, by commit date and by author', async () => {
    const list = async (query: string) => names((await get(`${url()}?${query}`)).json<CommitPage>().commits);
    expect(await list('ref=main')).toEqual(['c6', 'c5', 'c4', 'c3', 'c2', 'c1']);
    expect(await list('ref=feature')).toEqual(['f2', 'f1', 'c3', 'c2', 'c1']);
    expect(await list('ref=v1')).toEqual(['c2', 'c1']);
    expect(await list('ref=v0')).toEqual(['c1']);
    expect(await list('since=2026-01-03T00:00:00Z&until=2026-01-04T23:59:59Z')).toEqual(['f1', 'c4', 'c3']);
    expect(await list('since=2026-01-05T10:00:00Z')).toEqual(['c6', 'c5', 'f2']);
    expect(await list('author=ALICE@example.com')).toEqual(['c5', 'c3', 'c1']);
    expect(await list('author=alice')).toEqual(['c5', 'c3', 'c1']);
    expect(await list('ref=feature&author=alice')).toEqual(['c3', 'c1']);
    expect(names(await readAll(`${url()}?ref=feature`, 'commits', 2))).toEqual(['f2', 'f1', 'c3', 'c2', 'c1']);
  });

  it('answers a ref the repository does not have with 404 naming it', async () => {
    const response = await get(`${url()}?ref=gone`);
    expect(response.statusCode).toBe(404);
    expect(response.json<ErrorAnswer>().message).toContain('ref gone');
  });
});

describe('GET /api/projects/:id/pulls', () => {
  const url = () => `/api/projects/${projectId}/pulls`;
  const numbers = async (query: string) => (await get(`${url()}?${query}`)).json<PullPage>().pulls.map((p) => p.number);

  it('lists open pull requests newest first by default, and pages all of them to the end', async () => {
    expect(await numbers('')).toEqual([7, 5, 2]);
    const all = await readAll<Pull>(`${url()}?state=all`, 'pulls', 2);
    expect(all.map((p) => p.number)).toEqual([7, 5, 4, 3, 2]);
  });

  it('filters by state and base branch', async () => {
    expect(await numbers('state=closed')).toEqual([4, 3]);
    expect(await numbers('state=all&base=release')).toEqual([5, 4]);
    expect(await numbers('base=main')).toEqual([2]);
    expect(await numbers('state=closed&base=main')).toEqual([3]);
  });

  it('shows branches and merge state, and null branches for a pull request not listed yet', async () => {
    const pulls = (await get(`${url()}?state=all`)).json<PullPage>().pulls;
    expect(pulls.find((p) => p.number === 3)).toMatchObject({
      state: 'closed',
      head: { ref: 'topic-3', sha: sha('ab') },
      base: { ref: 'main', sha: sha('cd') },
      merged: true,
      mergedAt: '2026-02-10T00:00:00.000Z',
      mergeCommitSha: sha('c6'),
      reviewComments: 2,
    });
    expect(pulls.find((p) => p.number === 5)).toMatchObject({ draft: true, merged: false });
    expect(pulls.find((p) => p.number === 7)).toMatchObject({ head: null, base: null, merged: false });
  });

  it('shows one pull request with its conversation and its review comments, oldest first', async () => {
    const detail = (await get(`${url()}/3`)).json<PullDetail>();
    expect(detail.pull).toMatchObject({ number: 3, title: 'Item 3' });
    expect(detail.comments.map((c) => c.body)).toEqual(['looks good']);
    expect(detail.reviewComments).toEqual([
      expect.objectContaining({ id: 21, body: 'nit: rename', path: 'src/a.ts', line: 12, commitSha: sha('ab') }),
      expect.objectContaining({ id: 22, body: 'and here', path: 'src/b.ts', line: 3 }),
    ]);
  });

  it('answers 404 for an issue or a number it does not hold', async () => {
    expect((await get(`${url()}/1`)).statusCode).toBe(404);
    expect((await get(`${url()}/99`)).statusCode).toBe(404);
  });
});

describe('GET /api/projects/:id/releases', () => {
  it('pages releases newest first with their asset names and sizes', async () => {
    const all = await readAll<Release>(`/api/projects/${projectId}/releases`, 'releases', 2);
    expect(all.map((r) => r.tagName)).toEqual(['v3', 'v2', 'v1']);
    expect(all[0]!.assets).toEqual([
      { name: 'reposync-linux.tar.gz', size: 1_234_567, contentType: 'application/gzip' },
      { name: 'checksums.txt', size: 180, contentType: 'text/plain' },
    ]);
    expect(all[2]!.assets).toEqual([]);
  });
});

describe('GET /api/projects/:id', () => {
  it('adds counts of open and closed issues and open, closed and merged pull requests to the project', async () => {
    const project = (await get(`/api/projects/${projectId}`)).json<ProjectView>();
    expect(project).toMatchObject({ id: projectId, owner: 'octo', repo: 'read-api', sync: { status: expect.any(String) } });
    expect(project.counts).toEqual({ openIssues: 1, closedIssues: 1, openPullRequests: 3, closedPullRequests: 2, mergedPullRequests: 1 });
    const other = (await get(`/api/projects/${otherProjectId}`, h.otherKey)).json<ProjectView>();
    expect(other.counts).toEqual({ openIssues: 1, closedIssues: 0, openPullRequests: 1, closedPullRequests: 0, mergedPullRequests: 0 });
  });
});

describe('bad requests and other tenants', () => {
  it('answers a bad query parameter with 400 naming it', async () => {
    const cases: [string, string][] = [
      ['pulls?state=bogus', 'state'],
      ['pulls?cursor=1234567890', 'cursor'],
      ['pulls?base=', 'base'],
      ['commits?since=yesterday', 'since'],
      ['commits?until=2026-13-01', 'until'],
      ['commits?author=', 'author'],
      ['commits?ref=a%00b', 'ref'],
      [`commits?cursor=99999999999999.${sha('c1')}`, 'cursor'],
      [`commits?cursor=1767225600000.${sha('c1')}0`, 'cursor'],
      ['commits?cursor=abc', 'cursor'],
      ['commits?limit=101', 'limit'],
      ['releases?cursor=9999999999999999', 'cursor'],
      ['releases?cursor=-1', 'cursor'],
      ['releases?limit=0', 'limit'],
      ['pulls/0', 'number'],
    ];
    for (const [path, name] of cases) {
      const response = await get(`/api/projects/${projectId}/${path}`);
      expect(response.statusCode, path).toBe(400);
      expect(response.json<ErrorAnswer>(), path).toMatchObject({ error: 'bad-request', message: expect.stringContaining(name) });
    }
  });

  it('takes the largest cursor each schema allows without overflowing the column it is compared with', async () => {
    const largest: [string, string][] = [
      [`commits?cursor=9999999999999.${sha('ff')}`, 'commits'],
      ['pulls?state=all&cursor=999999999', 'pulls'],
      ['releases?cursor=999999999999999', 'releases'],
    ];
    for (const [path, field] of largest) {
      const response = await get(`/api/projects/${projectId}/${path}`);
      expect(response.statusCode, path).toBe(200);
      expect(response.json<Record<string, unknown[]>>()[field]!.length, path).toBeGreaterThan(0);
    }
  });

  it('answers 404 for another tenant’s project on every route', async () => {
    for (const path of ['', '/commits', '/pulls', '/pulls/3', '/releases']) {
      const response = await get(`/api/projects/${projectId}${path}`, h.otherKey);
      expect(response.statusCode, path).toBe(404);
      expect(response.json<ErrorAnswer>().error).toBe('not-found');
    }
  });

  it('never shows another tenant’s rows in a listing', async () => {
    const other = (path: string) => get(`/api/projects/${otherProjectId}/${path}`, h.otherKey);
    expect(names((await other('commits')).json<CommitPage>().commits)).toEqual(['aa']);
    expect((await other('pulls')).json<PullPage>().pulls.map((p) => p.number)).toEqual([8]);
    expect((await other('releases')).json<ReleasePage>().releases.map((r) => r.tagName)).toEqual(['other']);
    expect((await other('pulls/3')).statusCode).toBe(404);
  });
});
