import { verify } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCommits, startHarness, startReceiver, type Harness } from './helpers.js';

const SECRET = 'metadata-secret';

describe('issues, comments, review comments, releases and commit listings', () => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const repo = { owner: 'acme', repo: 'meta' };
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h.emulator.url}${path}`, { headers: { authorization: `token ${h.emulator.token}`, ...headers } });

  beforeAll(async () => {
    h = await startHarness();
    receiver = await startReceiver();
    await h.emulator.repos.create('acme', 'meta');
    await h.emulator.repos.commit('acme', 'meta', { message: 'init', files: { 'a.txt': 'a\n' } });
    await h.octokit.repos.createWebhook({ ...repo, config: { url: receiver.url, content_type: 'json', secret: SECRET }, events: ['issues', 'issue_comment', 'release', 'pull_request_review_comment'] });
    await receiver.waitFor(1);
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  it('numbers issues and pull requests from one sequence and lists both from the issues API', async () => {
    const { data: issue } = await h.octokit.issues.create({ ...repo, title: 'First', labels: ['bug'] });
    const base = (await h.octokit.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    await h.octokit.git.createRef({ ...repo, ref: 'refs/heads/topic', sha: base });
    await h.emulator.repos.commit('acme', 'meta', { branch: 'topic', message: 'topic', files: { 'b.txt': 'b\n' } });
    const { data: pull } = await h.octokit.pulls.create({ ...repo, title: 'Topic', head: 'topic', base: 'main' });
    expect(pull.number).toBe(issue.number + 1);
    const { data: all } = await h.octokit.issues.listForRepo({ ...repo, state: 'all' });
    expect(all.map((i) => [i.number, i.pull_request !== undefined])).toEqual([
      [pull.number, true],
      [issue.number, false],
    ]);
    const { data: bugs } = await h.octokit.issues.listForRepo({ ...repo, labels: 'bug' });
    expect(bugs.map((i) => i.number)).toEqual([issue.number]);
  });

  it('lists only what changed at or after `since`, and refuses a `since` that is not a timestamp', async () => {
    const { data: old } = await h.octokit.issues.create({ ...repo, title: 'Old' });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await h.octokit.issues.listForRepo({ ...repo, since: future })).data).toEqual([]);
    const past = new Date(Date.parse(old.updated_at) - 1000).toISOString();
    expect((await h.octokit.issues.listForRepo({ ...repo, since: past })).data.map((i) => i.number)).toContain(old.number);
    const bad = await get('/repos/acme/meta/issues?since=yesterday');
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('since');
  });

  it('answers an unchanged list 304 for free and a changed one 200 with a new ETag', async () => {
    const first = await get('/repos/acme/meta/issues/comments?per_page=100');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\//);
    h.emulator.requests.clear();
    const again = await get('/repos/acme/meta/issues/comments?per_page=100', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(h.emulator.requests.entries.map((r) => r.cost)).toEqual([0]);
    const { data: issue } = await h.octokit.issues.create({ ...repo, title: 'Commented' });
    await h.octokit.issues.createComment({ ...repo, issue_number: issue.number, body: 'hello' });
    const changed = await get('/repos/acme/meta/issues/comments?per_page=100', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('delivers a signed issue_comment event for a comment made through the REST API, and `deleted` when it is removed', async () => {
    const { data: issue } = await h.octokit.issues.create({ ...repo, title: 'Hooked' });
    const { data: comment } = await h.octokit.issues.createComment({ ...repo, issue_number: issue.number, body: 'ünïcödé 🚀' });
    const created = await h.emulator.webhooks.waitFor((d) => d.event === 'issue_comment' && d.action === 'created' && (d.payload.comment as { id: number }).id === comment.id);
    expect(await verify(SECRET, created.request.body, created.request.headers['x-hub-signature-256']!)).toBe(true);
    expect(created.payload).toMatchObject({ issue: { number: issue.number, comments: 1 }, comment: { body: 'ünïcödé 🚀' } });
    const { data: updated } = await h.octokit.issues.get({ ...repo, issue_number: issue.number });
    expect(Date.parse(updated.updated_at)).toBeGreaterThanOrEqual(Date.parse(issue.updated_at));
    await h.octokit.issues.deleteComment({ ...repo, comment_id: comment.id });
    await h.emulator.webhooks.waitFor((d) => d.event === 'issue_comment' && d.action === 'deleted' && (d.payload.comment as { id: number }).id === comment.id);
    await expect(h.octokit.issues.getComment({ ...repo, comment_id: comment.id })).rejects.toMatchObject({ status: 404 });
  });

  it('delivers `issues` edited with what changed, and closed', async () => {
    const { data: issue } = await h.octokit.issues.create({ ...repo, title: 'Before', body: 'old body' });
    await h.octokit.issues.update({ ...repo, issue_number: issue.number, title: 'After', state: 'closed' });
    const edited = await h.emulator.webhooks.waitFor((d) => d.event === 'issues' && d.action === 'edited' && (d.payload.issue as { number: number }).number === issue.number);
    expect(edited.payload).toMatchObject({ changes: { title: { from: 'Before' } }, issue: { title: 'After', state: 'closed' } });
    await h.emulator.webhooks.waitFor((d) => d.event === 'issues' && d.action === 'closed' && (d.payload.issue as { number: number }).number === issue.number);
  });

  it('lists review comments per repository and per pull request', async () => {
    const { data: pull } = await h.octokit.pulls.get({ ...repo, pull_number: 2 });
    const { data: comment } = await h.octokit.pulls.createReviewComment({ ...repo, pull_number: 2, body: 'nit', commit_id: pull.head.sha, path: 'b.txt', line: 1 });
    expect((await h.octokit.pulls.listReviewCommentsForRepo(repo)).data.map((c) => c.id)).toEqual([comment.id]);
    expect((await h.octokit.pulls.listReviewComments({ ...repo, pull_number: 2 })).data[0]).toMatchObject({ path: 'b.txt', line: 1, commit_id: pull.head.sha });
    await h.emulator.webhooks.waitFor((d) => d.event === 'pull_request_review_comment' && d.action === 'created');
  });

  it('lists pull requests by last update when asked', async () => {
    const base = (await h.octokit.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    await h.octokit.git.createRef({ ...repo, ref: 'refs/heads/second', sha: base });
    await h.emulator.repos.commit('acme', 'meta', { branch: 'second', message: 'second', files: { 'c.txt': 'c\n' } });
    const { data: second } = await h.octokit.pulls.create({ ...repo, title: 'Second', head: 'second', base: 'main' });
    const byCreated = (await h.octokit.pulls.list({ ...repo, state: 'all', direction: 'asc' })).data.map((p) => p.number);
    expect(byCreated).toEqual([2, second.number]);
    const byUpdated = (await h.octokit.pulls.list({ ...repo, state: 'all', sort: 'updated', direction: 'desc' })).data.map((p) => p.number);
    expect(byUpdated[0]).toBe(second.number);
  });

  it('creates a release, tagging its target, and describes its assets by name and size', async () => {
    const { data: release } = await h.octokit.repos.createRelease({ ...repo, tag_name: 'v1.0.0', name: 'One' });
    expect((await h.octokit.git.getRef({ ...repo, ref: 'tags/v1.0.0' })).data.object.sha).toBe(await h.emulator.repos.head('acme', 'meta'));
    await h.emulator.repos.addReleaseAsset('acme', 'meta', release.id, { name: 'app.zip', size: 4096 });
    const { data: list } = await h.octokit.repos.listReleases(repo);
    expect(list[0]).toMatchObject({ tag_name: 'v1.0.0', assets: [{ name: 'app.zip', size: 4096 }] });
    await h.emulator.webhooks.waitFor((d) => d.event === 'release' && d.action === 'published');
  });

  it('pages commit listings with `sha`, `since`, `until`, `per_page`, `page` and Link headers', async () => {
    await h.octokit.git.createRef({ ...repo, ref: 'refs/heads/history', sha: (await h.emulator.repos.head('acme', 'meta'))! });
    await appendCommits(h.emulator.repos.path('acme', 'meta'), 'history', 5);
    // appendCommits dates commit i at 1_700_000_000 + i seconds.
    const since = new Date(1_700_000_002_000).toISOString();
    const until = new Date(1_700_000_003_000).toISOString();
    const { data: window } = await h.octokit.repos.listCommits({ ...repo, sha: 'history', since, until });
    expect(window.map((c) => c.commit.message)).toEqual(['c3', 'c2']);
    const first = await get('/repos/acme/meta/commits?sha=history&per_page=2&page=1');
    expect(((await first.json()) as { commit: { message: string } }[]).map((c) => c.commit.message)).toEqual(['c4', 'c3']);
    expect(first.headers.get('link')).toContain('page=2>; rel="next"');
    const bad = await get('/repos/acme/meta/commits?until=soon');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('until');
  });
});
