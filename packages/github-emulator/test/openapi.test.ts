import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { octokitFor, quiet, startHarness, startReceiver, type Harness } from './helpers.js';
import { validateResponse, validateWebhook } from './openapi.js';

interface Exchange {
  method: string;
  template: string;
  status: number;
  body: unknown;
}

/**
 * Known defects of the published description, each checked another way:
 * - GET /app/installations types `account` as allOf(simple-user, enterprise), which no real
 *   account satisfies; each item is checked against the single-installation operation instead.
 */
function validate(e: Exchange) {
  if (e.method === 'GET' && e.template === '/app/installations' && e.status === 200 && Array.isArray(e.body)) {
    const verdicts = e.body.map((item) => validateResponse('GET', '/app/installations/{installation_id}', 200, item));
    return verdicts.find((v) => !v.ok) ?? { ok: true as const };
  }
  return validateResponse(e.method, e.template, e.status, e.body);
}

// Routes the emulator serves that GitHub's description does not list (legacy or path variants of listed ones).
const UNDOCUMENTED = new Set(['GET /repos/{owner}/{repo}/git/refs', 'GET /repos/{owner}/{repo}/zipball', 'GET /repos/{owner}/{repo}/tarball']);

/**
 * Drives every implemented route through Octokit (success and error answers), recording each
 * exchange with the operation's path template, then validates all of them against GitHub's
 * OpenAPI description.
 */
describe('responses match GitHub’s OpenAPI description', () => {
  let h: Harness;
  const exchanges: Exchange[] = [];
  const appId = 77;

  function recorder(octokit: Octokit | InstanceType<typeof App>['octokit']): void {
    octokit.hook.wrap('request', async (request, options) => {
      const template = String(options.url);
      try {
        const res = await request(options);
        exchanges.push({ method: options.method, template, status: res.status, body: res.data });
        return res;
      } catch (error) {
        const e = error as { status?: number; response?: { data?: unknown } };
        if (e.status) exchanges.push({ method: options.method, template, status: e.status, body: e.response?.data });
        throw error;
      }
    });
  }

  beforeAll(async () => {
    h = await startHarness({ apps: [{ appId }] });
    recorder(h.octokit);
    const o = h.octokit;
    const repo = { owner: 'acme', repo: 'spec' };
    const swallow = (p: Promise<unknown>) => p.catch(() => undefined);
    const receiver = await startReceiver();

    await h.emulator.repos.create('acme', 'spec', { description: 'described' });
    const first = (await h.emulator.repos.commit('acme', 'spec', { message: 'one', files: { 'a.txt': 'a\n', 'dir/b.txt': 'b\n', 'old.txt': 'x\ny\nz\n' } })).sha;
    await h.emulator.repos.tag('acme', 'spec', 'v1', first);
    await o.git.createRef({ ...repo, ref: 'refs/heads/topic', sha: first });
    await h.emulator.repos.commit('acme', 'spec', { branch: 'topic', message: 'two', files: { 'old.txt': null, 'new.txt': 'x\ny\nz\n', 'a.txt': 'a2\n' } });
    await h.emulator.repos.commit('acme', 'spec', { message: 'main', files: { 'm.txt': 'm\n' } });
    const { data: hook } = await o.repos.createWebhook({ ...repo, config: { url: receiver.url, content_type: 'json', secret: 's' }, events: ['*'] });

    await o.repos.get(repo);
    await swallow(o.repos.get({ owner: 'acme', repo: 'missing' }));
    await o.repos.listBranches(repo);
    await o.repos.getBranch({ ...repo, branch: 'main' });
    await swallow(o.repos.getBranch({ ...repo, branch: 'missing' }));
    await swallow(o.repos.getBranchProtection({ ...repo, branch: 'main' }));
    await h.emulator.repos.setProtection('acme', 'spec', 'main', true);
    await o.repos.getBranchProtection({ ...repo, branch: 'main' });
    await o.repos.getBranch({ ...repo, branch: 'main' });
    await h.emulator.repos.setProtection('acme', 'spec', 'main', false);
    await o.repos.listCommits(repo);
    await o.repos.getCommit({ ...repo, ref: 'topic' });
    await swallow(o.repos.getCommit({ ...repo, ref: 'nope' }));
    await o.repos.compareCommitsWithBasehead({ ...repo, basehead: 'main...topic' });
    await swallow(o.repos.compareCommitsWithBasehead({ ...repo, basehead: 'main...nope' }));
    await o.repos.listTags(repo);
    await o.git.getRef({ ...repo, ref: 'heads/main' });
    await swallow(o.git.getRef({ ...repo, ref: 'heads/nope' }));
    await o.git.listMatchingRefs({ ...repo, ref: 'heads/' });
    const { data: tree } = await o.git.getTree({ ...repo, tree_sha: 'main', recursive: '1' });
    await swallow(o.git.getTree({ ...repo, tree_sha: 'f'.repeat(40) }));
    const blobSha = tree.tree.find((e) => e.type === 'blob')!.sha!;
    await o.git.getBlob({ ...repo, file_sha: blobSha });
    await swallow(o.git.getBlob({ ...repo, file_sha: 'f'.repeat(40) }));
    const { data: blob } = await o.git.createBlob({ ...repo, content: 'new', encoding: 'utf-8' });
    const { data: newTree } = await o.git.createTree({ ...repo, base_tree: tree.sha, tree: [{ path: 'c.txt', mode: '100644', type: 'blob', sha: blob.sha }, { path: 'a.txt', mode: '100644', type: 'blob', sha: null }] });
    await swallow(o.git.createTree({ ...repo, tree: [{ path: 'x', mode: '100644', type: 'blob', sha: blob.sha, content: 'x' }] }));
    const main = (await o.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha;
    const { data: commit } = await o.git.createCommit({ ...repo, message: 'api commit', tree: newTree.sha, parents: [main] });
    await o.git.getCommit({ ...repo, commit_sha: commit.sha });
    await swallow(o.git.getCommit({ ...repo, commit_sha: 'f'.repeat(40) }));
    await o.git.createRef({ ...repo, ref: 'refs/heads/api', sha: commit.sha });
    await swallow(o.git.createRef({ ...repo, ref: 'refs/heads/api', sha: commit.sha }));
    await swallow(o.git.updateRef({ ...repo, ref: 'heads/api', sha: first, force: false }));
    await o.git.updateRef({ ...repo, ref: 'heads/api', sha: first, force: true });
    await o.git.deleteRef({ ...repo, ref: 'heads/api' });
    await swallow(o.git.deleteRef({ ...repo, ref: 'heads/api' }));

    const { data: pull } = await o.pulls.create({ ...repo, title: 'Topic', head: 'topic', base: 'main', body: 'please' });
    await swallow(o.pulls.create({ ...repo, title: 'Again', head: 'topic', base: 'main' }));
    await o.pulls.list(repo);
    await o.pulls.get({ ...repo, pull_number: pull.number });
    await swallow(o.pulls.checkIfMerged({ ...repo, pull_number: pull.number }));
    await o.pulls.merge({ ...repo, pull_number: pull.number, merge_method: 'squash' });
    await o.pulls.checkIfMerged({ ...repo, pull_number: pull.number });
    await swallow(o.pulls.merge({ ...repo, pull_number: pull.number }));
    await o.pulls.get({ ...repo, pull_number: pull.number });
    await o.pulls.list({ ...repo, state: 'all', sort: 'updated', direction: 'desc', per_page: 100 });
    await o.repos.listCommits({ ...repo, sha: 'topic', since: '2000-01-01T00:00:00Z', per_page: 1, page: 2 });
    await swallow(o.repos.listCommits({ ...repo, since: 'yesterday' }));

    // Issues, comments, review comments and releases, each change delivering its event to the `*` hook.
    const { data: issue } = await o.issues.create({ ...repo, title: 'Bug', body: 'broken', labels: ['bug'], assignees: ['octocat'] });
    await swallow(o.issues.create({ ...repo, title: '' }));
    await o.issues.update({ ...repo, issue_number: issue.number, title: 'Bug (edited)', state: 'closed' });
    await swallow(o.issues.update({ ...repo, issue_number: issue.number, state: 'shut' as 'open' }));
    await o.issues.get({ ...repo, issue_number: issue.number });
    await o.issues.get({ ...repo, issue_number: pull.number });
    await swallow(o.issues.get({ ...repo, issue_number: 999 }));
    await o.issues.listForRepo({ ...repo, state: 'all', since: '2000-01-01T00:00:00Z', sort: 'updated', direction: 'asc' });
    await swallow(o.issues.listForRepo({ ...repo, since: 'not a date' }));
    const { data: comment } = await o.issues.createComment({ ...repo, issue_number: issue.number, body: 'me too' });
    await o.issues.createComment({ ...repo, issue_number: pull.number, body: 'on the pull request' });
    await swallow(o.issues.createComment({ ...repo, issue_number: issue.number, body: '' }));
    await o.issues.updateComment({ ...repo, comment_id: comment.id, body: 'me too (edited)' });
    await o.issues.getComment({ ...repo, comment_id: comment.id });
    await swallow(o.issues.getComment({ ...repo, comment_id: 1 }));
    await o.issues.listComments({ ...repo, issue_number: issue.number });
    await o.issues.listCommentsForRepo({ ...repo, since: '2000-01-01T00:00:00Z', sort: 'updated', direction: 'asc' });
    await o.issues.deleteComment({ ...repo, comment_id: comment.id });
    const headSha = (await o.pulls.get({ ...repo, pull_number: pull.number })).data.head.sha;
    const { data: review } = await o.pulls.createReviewComment({ ...repo, pull_number: pull.number, body: 'nit', commit_id: headSha, path: 'new.txt', line: 1 });
    await swallow(o.pulls.createReviewComment({ ...repo, pull_number: pull.number, body: 'nit', commit_id: 'nope', path: 'new.txt', line: 1 }));
    await o.pulls.getReviewComment({ ...repo, comment_id: review.id });
    await swallow(o.pulls.getReviewComment({ ...repo, comment_id: 1 }));
    await o.pulls.listReviewComments({ ...repo, pull_number: pull.number });
    await o.pulls.listReviewCommentsForRepo({ ...repo, since: '2000-01-01T00:00:00Z' });
    await o.pulls.deleteReviewComment({ ...repo, comment_id: review.id });
    const { data: release } = await o.repos.createRelease({ ...repo, tag_name: 'v2', name: 'Two', body: 'notes' });
    await swallow(o.repos.createRelease({ ...repo, tag_name: 'v2' }));
    await h.emulator.repos.addReleaseAsset('acme', 'spec', release.id, { name: 'app.tar.gz', size: 1234 });
    await o.repos.getRelease({ ...repo, release_id: release.id });
    await o.repos.listReleases(repo);

    await h.emulator.webhooks.settled();
    await o.repos.listWebhooks(repo);
    await o.repos.getWebhook({ ...repo, hook_id: hook.id });
    await o.repos.updateWebhook({ ...repo, hook_id: hook.id, config: { url: receiver.url, content_type: 'json', secret: 'rotated' }, events: ['push', 'repository'] });
    await swallow(o.repos.updateWebhook({ ...repo, hook_id: hook.id, config: { url: 'not a url' } }));
    await swallow(o.repos.createWebhook({ ...repo, config: { url: receiver.url, content_type: 'json' } }));
    await o.repos.pingWebhook({ ...repo, hook_id: hook.id });
    await h.emulator.webhooks.settled();
    const { data: deliveries } = await o.repos.listWebhookDeliveries({ ...repo, hook_id: hook.id });
    await o.repos.getWebhookDelivery({ ...repo, hook_id: hook.id, delivery_id: deliveries[0]!.id });
    await o.repos.redeliverWebhookDelivery({ ...repo, hook_id: hook.id, delivery_id: deliveries[0]!.id });
    await h.emulator.webhooks.settled();
    await o.repos.deleteWebhook({ ...repo, hook_id: hook.id });

    // Repository settings, each change delivering a `repository` event; former names redirect.
    const settings = { owner: 'acme', repo: 'settings' };
    await h.emulator.repos.create('acme', 'settings');
    await h.emulator.repos.commit('acme', 'settings', { message: 'one', files: { 'a.txt': 'a\n' } });
    await h.emulator.repos.commit('acme', 'settings', { branch: 'trunk', message: 'two', files: { 'b.txt': 'b\n' } });
    await o.repos.createWebhook({ ...settings, config: { url: receiver.url, content_type: 'json' }, events: ['repository'] });
    await o.repos.update({ ...settings, default_branch: 'trunk' });
    await swallow(o.repos.update({ ...settings, default_branch: 'nope' }));
    await swallow(o.repos.update({ owner: 'acme', repo: 'missing', name: 'x' }));
    await o.repos.update({ ...settings, name: 'settings-renamed' });
    const renamed = { owner: 'acme', repo: 'settings-renamed' };
    for (const method of ['GET', 'PATCH']) {
      const res = await fetch(`${h.emulator.url}/repos/acme/settings`, { method, redirect: 'manual', headers: { authorization: `token ${h.emulator.token}` }, ...(method === 'PATCH' ? { body: '{}' } : {}) });
      exchanges.push({ method, template: '/repos/{owner}/{repo}', status: res.status, body: await res.json() });
    }
    await o.repos.update({ ...renamed, archived: true });
    await swallow(o.repos.update({ ...renamed, name: 'while-archived' }));
    await o.repos.update({ ...renamed, archived: false });
    await h.emulator.repos.setArchived('acme', 'settings-renamed', true);
    await h.emulator.repos.setArchived('acme', 'settings-renamed', false);
    await h.emulator.repos.transfer('acme', 'settings-renamed', 'globex');
    await o.repos.get({ owner: 'globex', repo: 'settings-renamed' });
    await h.emulator.webhooks.settled();
    await receiver.close();

    // Archives: the 302 is the documented answer; Octokit would follow it, so ask without following.
    for (const kind of ['zipball', 'tarball']) {
      const res = await fetch(`${h.emulator.url}/repos/acme/spec/${kind}/main`, { redirect: 'manual', headers: { authorization: `token ${h.emulator.token}` } });
      exchanges.push({ method: 'GET', template: `/repos/{owner}/{repo}/${kind}/{ref}`, status: res.status, body: (await res.text()) || undefined });
    }

    // Organisation listings, and an App whose webhook hears its installations' changes.
    await h.emulator.repos.create('acme', 'forked', { fork: true, private: true });
    await o.repos.listForOrg({ org: 'acme', type: 'sources', sort: 'full_name', per_page: 1 });
    await octokitFor(h.emulator).repos.listForOrg({ org: 'acme' });
    const appReceiver = await startReceiver();
    h.emulator.apps.setWebhook(appId, appReceiver.url, 'app secret');
    const installationId = h.emulator.apps.install(appId, 'acme');
    const app = new App({ appId, privateKey: h.emulator.apps.privateKey(appId), Octokit: Octokit.defaults({ baseUrl: h.emulator.url, log: quiet }) });
    recorder(app.octokit);
    await app.octokit.request('GET /app');
    await app.octokit.request('GET /app/installations');
    await app.octokit.request('GET /app/installations/{installation_id}', { installation_id: installationId });
    await app.octokit.request('GET /repos/{owner}/{repo}/installation', repo);
    await swallow(app.octokit.request('GET /repos/{owner}/{repo}/installation', { owner: 'nobody', repo: 'nothing' }));
    const { data: token } = await app.octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: installationId });
    const installation = new Octokit({ baseUrl: h.emulator.url, auth: token.token, log: quiet });
    recorder(installation);
    await installation.request('GET /installation/repositories');
    await installation.request('GET /installation/repositories', { per_page: 1, page: 2 });
    await installation.repos.listForOrg({ org: 'acme' });
    await swallow(h.octokit.request('GET /installation/repositories'));
    const selected = h.emulator.apps.install(appId, 'globex', ['globex/settings-renamed']);
    h.emulator.apps.setRepositories(selected, 'all');
    await h.emulator.repos.create('globex', 'created-later');
    h.emulator.apps.setRepositories(selected, []);
    await app.octokit.request('PUT /app/installations/{installation_id}/suspended', { installation_id: installationId });
    await swallow(installation.request('GET /installation/repositories'));
    await swallow(app.octokit.request('POST /app/installations/{installation_id}/access_tokens', { installation_id: installationId }));
    await app.octokit.request('DELETE /app/installations/{installation_id}/suspended', { installation_id: installationId });
    await swallow(app.octokit.request('PUT /app/installations/{installation_id}/suspended', { installation_id: 1 }));
    h.emulator.apps.uninstall(selected);
    await h.emulator.webhooks.settled();
    await appReceiver.close();
  }, 60_000);
  afterAll(() => h.close());

  it('exercised every served route', () => {
    const seen = new Set(exchanges.map((e) => `${e.method} ${e.template}`));
    const missing = h.emulator.routes.filter((r) => !UNDOCUMENTED.has(r) && !seen.has(r));
    expect(missing).toEqual([]);
  });

  it('validates every recorded answer against the operation’s documented status and schema', () => {
    const failures = exchanges
      .map((e) => ({ e, verdict: validate(e) }))
      .filter(({ verdict }) => !verdict.ok)
      .map(({ e, verdict }) => `${e.method} ${e.template} ${e.status}: ${verdict.ok ? '' : verdict.reason}`);
    expect(failures).toEqual([]);
    expect(exchanges.length).toBeGreaterThan(60);
  });

  it('sends webhook payloads that match GitHub’s webhook schemas', () => {
    const deliveries = h.emulator.webhooks.list();
    const events = new Set(deliveries.map((d) => d.event));
    for (const event of ['ping', 'push', 'create', 'delete', 'repository', 'issues', 'issue_comment', 'pull_request_review_comment', 'release', 'installation', 'installation_repositories']) expect(events).toContain(event);
    const actions = (event: string) => [...new Set(deliveries.filter((d) => d.event === event).map((d) => d.action))].sort();
    expect(actions('repository')).toEqual(['archived', 'created', 'edited', 'renamed', 'transferred', 'unarchived']);
    expect(actions('installation')).toEqual(['created', 'deleted', 'suspend', 'unsuspend']);
    expect(actions('installation_repositories')).toEqual(['added', 'removed']);
    const failures = deliveries
      .map((d) => ({ d, verdict: validateWebhook(d.event, d.payload) }))
      .filter(({ verdict }) => !verdict.ok)
      .map(({ d, verdict }) => `${d.event}: ${verdict.ok ? '' : verdict.reason}`);
    expect(failures).toEqual([]);
  });

  it('rejects a response that breaks the schema (the check itself can fail)', () => {
    expect(validateResponse('GET', '/repos/{owner}/{repo}/git/ref/{ref}', 200, { ref: 'refs/heads/main' }).ok).toBe(false);
    expect(validateResponse('GET', '/repos/{owner}/{repo}/git/ref/{ref}', 418, {}).ok).toBe(false);
  });
});
