import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { until } from '../support/until.js';

let h: SyncHarness;
let publicUrl: string;

/** A free loopback port, so PUBLIC_URL is known before the API listens on it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  h = await startSyncHarness({ env: { PUBLIC_URL: publicUrl } });
  await h.app.listen({ port, host: '127.0.0.1' });
});
afterAll(() => h.close());

async function project(id: string) {
  return (await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json();
}

const hooksOf = (owner: string, repo: string) => new Octokit({ baseUrl: h.github.url, auth: h.github.token }).rest.repos.listWebhooks({ owner, repo }).then((response) => response.data);

describe('linking registers the repository webhook', () => {
  it('creates a hook with its own secret for the file and metadata events, and removes it on unlink', async () => {
    await h.github.repos.create('octo', 'hooked', {});
    await h.github.repos.commit('octo', 'hooked', { message: 'x', files: { 'a.txt': 'a\n' } });
    const linked = await h.link('octo', 'hooked');
    expect(linked).toMatchObject({ webhook: { registered: true, id: expect.any(Number), problem: null } });
    const [hook] = await hooksOf('octo', 'hooked');
    expect(hook).toMatchObject({ id: linked.webhook.id, active: true, config: { url: `${publicUrl}/api/webhooks/github`, content_type: 'json' } });
    expect([...hook!.events].sort()).toEqual(['create', 'delete', 'issue_comment', 'issues', 'pull_request', 'pull_request_review', 'pull_request_review_comment', 'push', 'release', 'repository']);
    // The secret is stored sealed, never in the clear, and never shown.
    const row = await h.db.selectFrom('projects').select('webhook_secret_ciphertext').where('id', '=', linked.id).executeTakeFirstOrThrow();
    expect(row.webhook_secret_ciphertext).toMatch(/\S{40,}/);
    expect(JSON.stringify(linked)).not.toContain(h.secrets.open(row.webhook_secret_ciphertext!));

    // GitHub's ping, signed with that secret, is accepted.
    await until(() => h.db.selectFrom('webhook_deliveries').select(['event', 'outcome']).where('project_id', '=', linked.id).execute(), (rows) => rows.some((r) => r.event === 'ping'), 'the ping');

    const unlinked = await h.app.inject({ method: 'DELETE', url: `/api/projects/${linked.id}`, headers: h.auth() });
    expect(unlinked.statusCode).toBe(204);
    expect(await hooksOf('octo', 'hooked')).toEqual([]);
  }, 60_000);

  it('shares one hook between projects that name the repository in different letter case', async () => {
    await h.github.repos.create('octo', 'casing', {});
    const { sha } = await h.github.repos.commit('octo', 'casing', { message: 'x', files: { 'a.txt': 'a\n' } });
    await h.github.repos.commit('octo', 'casing', { branch: 'other', message: 'y', files: { 'b.txt': 'b\n' } }, { parent: sha });
    const first = await h.link('octo', 'casing');
    const secretOf = async (id: string) => h.secrets.open((await h.db.selectFrom('projects').select('webhook_secret_ciphertext').where('id', '=', id).executeTakeFirstOrThrow()).webhook_secret_ciphertext!);
    const firstSecret = await secretOf(first.id);

    // The same repository, spelled differently: GitHub treats it as the same one.
    const second = await h.link('Octo', 'CASING', { branch: 'other' });
    expect(second.webhook.id).toBe(first.webhook.id);
    expect(await hooksOf('octo', 'casing')).toHaveLength(1);
    // The shared hook's secret was not rotated: the first project's deliveries still verify.
    expect(await secretOf(first.id)).toBe(firstSecret);
    expect(await secretOf(second.id)).toBe(firstSecret);

    // Unlinking the second keeps the hook the first still relies on.
    expect((await h.app.inject({ method: 'DELETE', url: `/api/projects/${second.id}`, headers: h.auth() })).statusCode).toBe(204);
    expect((await hooksOf('octo', 'casing')).map((hook) => hook.id)).toEqual([first.webhook.id]);
    expect((await h.app.inject({ method: 'DELETE', url: `/api/projects/${first.id}`, headers: h.auth() })).statusCode).toBe(204);
    expect(await hooksOf('octo', 'casing')).toEqual([]);
  }, 60_000);

  it('reports why when the credential may not manage hooks, and still links', async () => {
    await h.github.repos.create('octo', 'readonly', {});
    await h.github.repos.commit('octo', 'readonly', { message: 'x', files: { 'a.txt': 'a\n' } });
    h.github.tokens.add('ghp_reader_only_token_0000000000000000', 'reader');
    const linked = await h.link('octo', 'readonly', { token: 'ghp_reader_only_token_0000000000000000' });
    expect(linked).toMatchObject({ webhook: { registered: false, id: null, problem: expect.stringMatching(/GitHub answered 40[34].*admin:repo_hook.*poll/) } });
    expect(await hooksOf('octo', 'readonly')).toEqual([]);
  }, 60_000);
});

describe('metadata events through the registered hook', () => {
  it('stores issues, comments and releases GitHub reports, and leaves a part switched off as it was', async () => {
    await h.github.repos.create('octo', 'meta-hooked', {});
    await h.github.repos.commit('octo', 'meta-hooked', { message: 'x', files: { 'a.txt': 'a\n' } });
    const { id } = await h.link('octo', 'meta-hooked');
    const octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
    const repo = { owner: 'octo', repo: 'meta-hooked' };
    const issue = () => h.app.inject({ method: 'GET', url: `/api/projects/${id}/issues/1`, headers: h.auth() });

    await octokit.rest.issues.create({ ...repo, title: 'Found by webhook', body: 'first' });
    await until(issue, (response) => response.statusCode === 200 && response.json().issue.title === 'Found by webhook', 'the opened issue');
    await octokit.rest.issues.createComment({ ...repo, issue_number: 1, body: 'a comment' });
    await until(issue, (response) => response.json().comments?.some((comment: { body: string }) => comment.body === 'a comment'), 'the comment');
    await octokit.rest.repos.createRelease({ ...repo, tag_name: 'v1.0.0', name: 'One' });
    await until(() => h.db.selectFrom('releases').select('tag_name').where('project_id', '=', id).execute(), (rows) => rows.some((row) => row.tag_name === 'v1.0.0'), 'the release');

    // Issues switched off: the next edit's delivery is recorded and changes nothing.
    await h.db.updateTable('projects').set({ metadata: JSON.stringify({ issues: false }) }).where('id', '=', id).execute();
    await octokit.rest.issues.update({ ...repo, issue_number: 1, title: 'Edited while off' });
    await until(
      () => h.db.selectFrom('webhook_deliveries').select(['event', 'outcome']).where('project_id', '=', id).execute(),
      (rows) => rows.some((row) => row.event === 'issues' && row.outcome === 'metadata-switched-off'),
      'the delivery of the edit',
    );
    expect((await issue()).json().issue.title).toBe('Found by webhook');
  }, 60_000);
});

describe('repository events update the project', () => {
  it('follows a rename, a default-branch change, archiving and a transfer', async () => {
    const id = await importRepository(h, 'moving', { 'a.txt': 'a\n' });

    await h.github.repos.rename('octo', 'moving', 'moved');
    await until(() => project(id), (p) => p.repo === 'moved', 'the rename');
    // Pushes under the new name are followed.
    const pushed = await h.github.repos.commit('octo', 'moved', { message: 'after rename', files: { 'b.txt': 'b\n' } });
    await until(() => project(id), (p) => p.sync.lastSyncedSha === pushed.sha, 'a push after the rename');

    // The project follows the default branch: when it changes, the new branch's head is synced.
    const trunk = await h.github.repos.commit('octo', 'moved', { branch: 'trunk', message: 'trunk', files: { 't.txt': 't\n' } });
    await h.github.repos.setDefaultBranch('octo', 'moved', 'trunk');
    const switched = await until(() => project(id), (p) => p.defaultBranch === 'trunk' && p.sync.lastSyncedSha === trunk.sha, 'the default branch change');
    expect(switched.branch).toBeNull();

    await h.github.repos.setArchived('octo', 'moved', true);
    await until(() => project(id), (p) => p.archived === true, 'archiving');

    await h.github.repos.transfer('octo', 'moved', 'newhome');
    const transferred = await until(() => project(id), (p) => p.owner === 'newhome', 'the transfer');
    expect(transferred).toMatchObject({ owner: 'newhome', repo: 'moved', archived: true });
  }, 90_000);

  it('marks a project failed with not-found when its tracked branch is deleted, keeping the snapshot', async () => {
    await h.github.repos.create('octo', 'pruned', {});
    await h.github.repos.commit('octo', 'pruned', { message: 'x', files: { 'a.txt': 'a\n' } });
    const feature = await h.github.repos.commit('octo', 'pruned', { branch: 'feature', message: 'f', files: { 'f.txt': 'f\n' } });
    const { id } = await h.link('octo', 'pruned', { branch: 'feature' });
    expect((await h.initialSync(id)).lastSyncedCommitSha).toBe(feature.sha);
    await new Octokit({ baseUrl: h.github.url, auth: h.github.token }).rest.git.deleteRef({ owner: 'octo', repo: 'pruned', ref: 'heads/feature' });
    const failed = await until(() => project(id), (p) => p.sync.status === 'failed', 'the branch deletion');
    expect(failed.sync.error).toMatchObject({ code: 'not-found', message: expect.stringMatching(/branch feature was deleted/) });
    expect(failed.sync.lastSyncedSha).toBe(feature.sha);
    const files = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files`, headers: h.auth() })).json();
    expect(files.commitSha).toBe(feature.sha);
    expect(files.files.map((file: { path: string }) => file.path)).toContain('f.txt');
  }, 60_000);
});

describe('a captured delivery replayed under a new delivery id', () => {
  /** Re-sends a recorded delivery's exact body and signature, as anyone who captured it could, with a fresh GUID. */
  function replay(delivery: { event: string; request: { headers: Record<string, string>; body: string } }) {
    const { headers, body } = delivery.request;
    return h.app.inject({
      method: 'POST',
      url: '/api/webhooks/github',
      headers: { 'content-type': 'application/json', 'x-github-event': delivery.event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': headers['x-hub-signature-256']! },
      payload: body,
    });
  }

  const refreshRequests = async (id: string) => (await h.db.selectFrom('projects').select('repository_refresh_requests').where('id', '=', id).executeTakeFirstOrThrow()).repository_refresh_requests;

  it('does not archive again a project unarchived since: the repository is re-read, and outbound commits stay accepted', async () => {
    const id = await importRepository(h, 'thawed', { 'a.md': '# a\n' });
    await h.github.repos.setArchived('octo', 'thawed', true);
    await until(() => project(id), (p) => p.archived === true, 'archiving');
    await h.github.repos.setArchived('octo', 'thawed', false);
    await until(() => project(id), (p) => p.archived === false, 'unarchiving');

    const archived = h.github.webhooks.list({ event: 'repository' }).find((d) => d.action === 'archived' && (d.payload.repository as { name: string }).name === 'thawed')!;
    const replayed = await replay(archived);
    expect(replayed.statusCode).toBe(202);
    await until(() => refreshRequests(id), (n) => n === 0, 'the re-read of the repository');
    expect(await project(id)).toMatchObject({ archived: false, sync: { status: 'synced' } });
    const outbound = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/outbound`, headers: h.auth(), payload: { message: 'edit', changes: [{ path: 'a.md', content: '# edited\n' }] } });
    expect(outbound.statusCode).toBe(202);
  }, 60_000);

  it('leaves a project synced at the newest head when an older push is replayed', async () => {
    const id = await importRepository(h, 'pushed', { 'a.txt': 'a\n' });
    const older = await h.github.repos.commit('octo', 'pushed', { message: 'older', files: { 'b.txt': 'b\n' } });
    await until(() => project(id), (p) => p.sync.lastSyncedSha === older.sha, 'the older push');
    const newer = await h.github.repos.commit('octo', 'pushed', { message: 'newer', files: { 'b.txt': null, 'c.txt': 'c\n' } });
    await until(() => project(id), (p) => p.sync.lastSyncedSha === newer.sha && p.sync.status === 'synced', 'the newer push');

    const captured = h.github.webhooks.list({ event: 'push' }).find((d) => d.payload.after === older.sha)!;
    const replayed = await replay(captured);
    expect(replayed.statusCode).toBe(202);
    // The payload's old head is never recorded as the remote head of a followed project.
    expect((await project(id)).sync.lastRemoteSha).toBe(newer.sha);
    // The writer reads the head itself: it finds the newest commit, already synced.
    await sleep(3_000);
    const after = await until(() => project(id), (p) => p.sync.status === 'synced', 'the writer to settle');
    expect(after.sync).toMatchObject({ lastSyncedSha: newer.sha, lastRemoteSha: newer.sha, error: null });
    const files = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files`, headers: h.auth() })).json();
    expect(files.commitSha).toBe(newer.sha);
    expect(files.files.map((file: { path: string }) => file.path).sort()).toEqual(['a.txt', 'c.txt']);
  }, 60_000);
});
