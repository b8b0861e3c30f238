import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitBlobSha } from '../../src/storage/git-blob-hash.js';
import { git, lsTree } from '../support/git-cli.js';
import type { Operation as OperationAnswer } from '../support/api-answers.js';
import { childRun } from '../support/child-run.js';
import { corruptStoredBlob } from '../support/corrupt-blob.js';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const SECRET = 'outbound-webhook-secret';
let h: SyncHarness;
let apiUrl: string;

beforeAll(async () => {
  h = await startSyncHarness({ env: { GITHUB_WEBHOOK_SECRET: SECRET } });
  apiUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h.close());

/** The schema leaves an operation's metadata open; these tests read into what an outbound edit records there. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- read back from JSON, checked with toMatchObject
type Operation = Omit<OperationAnswer, 'metadata'> & { metadata: Record<string, any> };

/** A repository imported once; with `webhook`, pushes (our own included) reach the API. */
const importedRepository = (name: string, files: Record<string, string | { content: string; mode: '100755' }>, { webhook = false } = {}) =>
  importRepository(h, name, files, webhook ? { webhook: { apiUrl, secret: SECRET } } : {});

function postOutbound(id: string, payload: Record<string, unknown>) {
  return h.app.inject({ method: 'POST', url: `/api/projects/${id}/outbound`, headers: h.auth(), payload });
}

async function operation(id: string, operationId: string): Promise<Operation> {
  return (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations/${operationId}`, headers: h.auth() })).json();
}

/** Sends an edit and waits for its operation to end. */
async function outbound(id: string, payload: Record<string, unknown>, timeoutMs = 45_000): Promise<Operation> {
  const response = await postOutbound(id, payload);
  expect(response.statusCode, response.body).toBe(202);
  const { operationId, workflowId } = response.json();
  expect(workflowId).toBe(`outbound-sync/${id}/${operationId}`);
  return ended(id, operationId, timeoutMs);
}

async function ended(id: string, operationId: string, timeoutMs = 45_000): Promise<Operation> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const current = await operation(id, operationId);
    if (current.status === 'succeeded' || current.status === 'failed') return current;
    await sleep(100);
  }
  throw new Error(`operation ${operationId} never ended: ${JSON.stringify(await operation(id, operationId))}`);
}

async function project(id: string) {
  return (await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json();
}

/** The ref-update path of `main` (Octokit sends the ref %2F-encoded). */
const branchRef = (repo: string) => new RegExp(`^/repos/octo/${repo}/git/refs/heads(/|%2F)main$`);
const gitDir = (repo: string) => h.github.repos.path('octo', repo);
const history = async (repo: string, ref = 'main') => (await git(gitDir(repo), ['rev-list', ref])).trim().split('\n');
const show = async (repo: string, spec: string) => git(gitDir(repo), ['cat-file', '-p', spec]);

async function expectSnapshotIs(id: string, repo: string, sha: string) {
  const truth = await lsTree(gitDir(repo), sha);
  const listed = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files?limit=1000`, headers: h.auth() })).json();
  expect(listed.commitSha).toBe(sha);
  expect(listed.files.map((f: { path: string; sha: string; mode: string }) => [f.path, f.sha, f.mode]).sort()).toEqual([...truth.entries()].map(([path, e]) => [path, e.sha, e.mode]).sort());
}

async function incrementalOperations(id: string): Promise<Operation[]> {
  const all = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations?limit=100`, headers: h.auth() })).json().operations;
  return all.filter((op: Operation) => op.kind === 'incremental');
}

describe('OutboundSync', () => {
  it('commits a fast-forward edit directly in 5 GitHub requests; the echo push imports nothing', async () => {
    const id = await importedRepository('direct', { 'README.md': '# hello\n', 'src/a.txt': 'a\n' }, { webhook: true });
    const base = (await history('direct'))[0]!;
    h.github.requests.clear();
    const op = await outbound(id, {
      message: 'Edit the readme',
      mode: 'direct_commit',
      author: { name: 'Ada', email: 'ada@example.com' },
      changes: [
        { path: 'README.md', content: '# hello, world\n' },
        { path: 'docs/new.md', content: 'new\n' },
      ],
    });
    expect(op.status, JSON.stringify(op.error)).toBe('succeeded');
    const [head, parent] = await history('direct');
    expect(parent).toBe(base);
    expect(op).toMatchObject({ beforeSha: base, afterSha: head, filesAdded: 1, filesModified: 1, filesRemoved: 0 });
    expect(op.metadata.result).toMatchObject({ kind: 'commit', branch: 'main', commitSha: head, parentSha: base, rebuilt: false });
    const commit = await show('direct', head!);
    expect(commit).toMatch(/^author Ada <ada@example.com>/m);
    expect(commit).toContain(`Edit the readme\n\nReposync-Operation: ${op.id}`);
    expect(await git(gitDir('direct'), ['show', `${head}:README.md`])).toBe('# hello, world\n');
    // repository, branch, tree (contents inline), commit, ref — up to the ref update; what follows is the echo's.
    const log = h.github.requests.filter();
    const ours = log.slice(0, log.findIndex((r) => r.route === 'PATCH /repos/{owner}/{repo}/git/refs/{ref}') + 1);
    const byRoute: Record<string, number> = {};
    for (const request of ours) byRoute[request.route] = (byRoute[request.route] ?? 0) + 1;
    expect(byRoute).toEqual({
      'GET /repos/{owner}/{repo}': 1,
      'GET /repos/{owner}/{repo}/branches/{branch}': 1,
      'POST /repos/{owner}/{repo}/git/trees': 1,
      'POST /repos/{owner}/{repo}/git/commits': 1,
      'PATCH /repos/{owner}/{repo}/git/refs/{ref}': 1,
    });
    expect(op.apiRequests).toBe(5);
    expect((await project(id)).sync).toMatchObject({ lastSyncedSha: head, lastOutboundBaseSha: base });
    const status = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
    expect(status.lastOutbound).toMatchObject({ operationId: op.id, status: 'succeeded', result: { kind: 'commit', commitSha: head }, conflicts: [], error: null });
    await expectSnapshotIs(id, 'direct', head!);

    // GitHub's push webhook for our own commit is recognised as ours (its commit was recorded on
    // the operation before the ref moved, so even an echo that beats the snapshot's move is known):
    // no sync starts, nothing is re-imported.
    await h.github.webhooks.settled();
    await sleep(3_000);
    expect((await project(id)).sync).toMatchObject({ lastSyncedSha: head, status: 'synced' });
    const echoes = h.github.webhooks.list({ event: 'push' }).filter((d) => (d.payload as { after?: string }).after === head);
    expect(echoes).toHaveLength(1);
    const recorded = await h.db.selectFrom('webhook_deliveries').select('outcome').where('delivery_id', '=', echoes[0]!.guid).executeTakeFirstOrThrow();
    expect(['own-outbound-commit', 'already-synced']).toContain(recorded.outcome);
    expect(await incrementalOperations(id)).toEqual([]);
    expect(h.github.requests.count('GET /repos/{owner}/{repo}/git/trees/{tree_sha}')).toBe(0);
    expect(h.github.requests.count('GET /repos/{owner}/{repo}/git/blobs/{file_sha}')).toBe(0);
    await expectSnapshotIs(id, 'direct', head!);
  }, 90_000);

  it('writes a deletion, a binary file, an executable bit and a rename as delete + add', async () => {
    const id = await importedRepository('kinds', { 'old-name.txt': 'moving content\n', 'gone.txt': 'bye\n', 'run.sh': '#!/bin/sh\necho hi\n', 'keep.txt': 'keep\n' });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe, 0x00, 0x01]);
    h.github.requests.clear();
    const op = await outbound(id, {
      message: 'Kinds of change',
      mode: 'direct_commit',
      changes: [
        { path: 'gone.txt', delete: true },
        { path: 'img/logo.png', content: png.toString('base64'), encoding: 'base64' },
        { path: 'run.sh', content: '#!/bin/sh\necho hi\n', mode: '100755' },
        { path: 'old-name.txt', delete: true },
        { path: 'new-name.txt', content: 'moving content\n' },
      ],
    });
    expect(op.status, JSON.stringify(op.error)).toBe('succeeded');
    const head = op.afterSha!;
    const tree = await lsTree(gitDir('kinds'), head);
    expect([...tree.keys()].sort()).toEqual(['img/logo.png', 'keep.txt', 'new-name.txt', 'run.sh']);
    expect(tree.get('run.sh')!.mode).toBe('100755');
    expect(tree.get('new-name.txt')!.sha).toBe((await lsTree(gitDir('kinds'), op.beforeSha!)).get('old-name.txt')!.sha);
    const { execFile } = await import('node:child_process');
    const bytes = await new Promise<Buffer>((resolve, reject) =>
      execFile('git', ['cat-file', 'blob', tree.get('img/logo.png')!.sha], { cwd: gitDir('kinds'), encoding: 'buffer' }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(bytes.equals(png)).toBe(true);
    // Only the binary needed its own blob; the rename's content was already on GitHub.
    expect(h.github.requests.count('POST /repos/{owner}/{repo}/git/blobs')).toBe(1);
    expect(op).toMatchObject({ filesAdded: 2, filesModified: 1, filesRemoved: 2 });
    await expectSnapshotIs(id, 'kinds', head);
    const listed = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files?limit=100`, headers: h.auth() })).json();
    expect(listed.files.find((f: { path: string }) => f.path === 'img/logo.png')).toMatchObject({ skipReason: 'binary-extension' });
  }, 60_000);

  it('rebuilds on a push that landed meanwhile when it touches none of our paths', async () => {
    // No webhook: our snapshot learns of their push only through our own commit.
    const id = await importedRepository('rebuild', { 'ours.txt': 'ours\n', 'theirs.txt': 'theirs\n' });
    const base = (await history('rebuild'))[0]!;
    // Hold our commit back a moment, and push someone else's change while it waits.
    h.github.faults.add({ method: 'POST', path: '/repos/octo/rebuild/git/commits', delayMs: 1_500, times: 1 });
    h.github.requests.clear();
    const pending = outbound(id, { message: 'Ours', mode: 'direct_commit', changes: [{ path: 'ours.txt', content: 'ours, edited\n' }] });
    while (h.github.requests.count('POST /repos/{owner}/{repo}/git/trees') === 0) await sleep(20);
    const theirs = await h.github.repos.commit('octo', 'rebuild', { message: 'theirs', files: { 'theirs.txt': 'theirs, edited\n' } });
    const op = await pending;
    expect(op.status, JSON.stringify(op.error)).toBe('succeeded');
    expect(h.github.requests.filter('PATCH /repos/{owner}/{repo}/git/refs/{ref}').map((r) => r.status)).toEqual([422, 200]);
    const [head, parent, grandparent] = await history('rebuild');
    expect([parent, grandparent]).toEqual([theirs.sha, base]);
    expect(op.metadata.result).toMatchObject({ kind: 'commit', commitSha: head, parentSha: theirs.sha, rebuilt: true });
    expect(await git(gitDir('rebuild'), ['show', `${head}:theirs.txt`])).toBe('theirs, edited\n');
    expect(await git(gitDir('rebuild'), ['show', `${head}:ours.txt`])).toBe('ours, edited\n');
    // Our snapshot never held their commit: the writer follows the branch afterwards (theirs imported), ending at the head.
    const deadline = Date.now() + 30_000;
    while ((await project(id)).sync.lastSyncedSha !== head && Date.now() < deadline) await sleep(100);
    await expectSnapshotIs(id, 'rebuild', head!);
  }, 90_000);

  it('fails a conflicting direct commit with `conflict` naming the paths, and leaves the branch alone', async () => {
    const id = await importedRepository('conflict-direct', { 'a.md': 'a\n', 'b.md': 'b\n' });
    const theirs = await h.github.repos.commit('octo', 'conflict-direct', { message: 'theirs', files: { 'a.md': 'a, theirs\n' } });
    const op = await outbound(id, { message: 'Ours', mode: 'direct_commit', changes: [{ path: 'a.md', content: 'a, ours\n' }, { path: 'b.md', content: 'b, ours\n' }] });
    expect(op.status).toBe('failed');
    expect(op.error).toMatchObject({ code: 'conflict' });
    expect(op.error!.message).toContain('a.md');
    expect(op.metadata.conflicts).toEqual(['a.md']);
    expect((await history('conflict-direct'))[0]).toBe(theirs.sha);
    // The project's status shows the edit's end, with the conflicting paths.
    const status = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
    expect(status.lastOutbound).toMatchObject({ operationId: op.id, status: 'failed', conflicts: ['a.md'], error: { code: 'conflict' }, result: null });
  }, 60_000);

  it('opens a pull request on the edit’s base for a conflict in hybrid mode', async () => {
    const id = await importedRepository('conflict-hybrid', { 'a.md': 'a\n' });
    const base = (await history('conflict-hybrid'))[0]!;
    const theirs = await h.github.repos.commit('octo', 'conflict-hybrid', { message: 'theirs', files: { 'a.md': 'a, theirs\n' } });
    const op = await outbound(id, { message: 'Ours', mode: 'hybrid', changes: [{ path: 'a.md', content: 'a, ours\n' }] });
    expect(op.status, JSON.stringify(op.error)).toBe('succeeded');
    expect(op.metadata.result).toMatchObject({ kind: 'pull-request', reason: 'conflict', conflicts: ['a.md'], parentSha: base, headBranch: `reposync/${op.id}` });
    expect((await history('conflict-hybrid'))[0]).toBe(theirs.sha);
    const octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
    const { data: pulls } = await octokit.rest.pulls.list({ owner: 'octo', repo: 'conflict-hybrid' });
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ number: op.metadata.result.number, html_url: op.metadata.result.url, head: { ref: `reposync/${op.id}` }, base: { ref: 'main' } });
    expect(pulls[0]!.body).toContain('a.md');
    expect((await history('conflict-hybrid', `reposync/${op.id}`))[1]).toBe(base);
  }, 60_000);

  it('opens a pull request for a protected branch (hybrid) and by default (protected_pr)', async () => {
    const id = await importedRepository('protected', { 'a.md': 'a\n' });
    const base = (await history('protected'))[0]!;
    await h.github.repos.setProtection('octo', 'protected', 'main', true);
    const hybrid = await outbound(id, { message: 'Hybrid edit', mode: 'hybrid', changes: [{ path: 'a.md', content: 'a, hybrid\n' }] });
    expect(hybrid.metadata.result).toMatchObject({ kind: 'pull-request', reason: 'protected', parentSha: base, conflicts: [] });
    const byDefault = await outbound(id, { message: 'Default edit', changes: [{ path: 'b.md', content: 'b\n' }] });
    expect(byDefault.metadata.result).toMatchObject({ kind: 'pull-request', reason: 'mode' });
    const direct = await outbound(id, { message: 'Direct edit', mode: 'direct_commit', changes: [{ path: 'c.md', content: 'c\n' }] });
    expect(direct.status).toBe('failed');
    expect(direct.error).toMatchObject({ code: 'conflict' });
    expect(direct.error!.message).toMatch(/protected/);
    expect((await history('protected'))[0]).toBe(base);
    const octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
    expect((await octokit.rest.pulls.list({ owner: 'octo', repo: 'protected' })).data.map((p) => p.title).sort()).toEqual(['Default edit', 'Hybrid edit']);
    expect((await project(id)).sync.lastOutboundBaseSha).toBe(base);
  }, 90_000);

  it('makes exactly one commit when the ref update fails after the commit was created', async () => {
    const id = await importedRepository('once', { 'a.txt': 'a\n' });
    const before = await history('once');
    // The worker "dies" between creating the commit and moving the ref: the ref update fails once.
    h.github.faults.add({ method: 'PATCH', path: branchRef('once'), status: 500, times: 1 });
    h.github.requests.clear();
    const op = await outbound(id, { message: 'Once', mode: 'direct_commit', changes: [{ path: 'a.txt', content: 'a, once\n' }] });
    expect(op.status, JSON.stringify(op.error)).toBe('succeeded');
    expect(h.github.requests.count('POST /repos/{owner}/{repo}/git/commits')).toBe(1);
    expect(h.github.requests.filter('PATCH /repos/{owner}/{repo}/git/refs/{ref}').map((r) => r.status)).toEqual([500, 200]);
    const after = await history('once');
    expect(after.slice(1)).toEqual(before);
    expect(after[0]).toBe(op.afterSha);
  }, 60_000);

  it('makes exactly one commit when the ref update’s answer is cut short', async () => {
    const id = await importedRepository('lost-answer', { 'a.txt': 'a\n' });
    const before = await history('lost-answer');
    // GitHub moves the ref and the connection drops after the status line: a 200 is a move.
    h.github.faults.add({ method: 'PATCH', path: branchRef('lost-answer'), cutAfterBytes: 0, times: 1 });
    h.github.requests.clear();
    const op = await outbound(id, { message: 'Once', mode: 'direct_commit', changes: [{ path: 'a.txt', content: 'a, once\n' }] });
    expect(op.status, JSON.stringify(op.error)).toBe('succeeded');
    expect(h.github.requests.count('POST /repos/{owner}/{repo}/git/commits')).toBe(1);
    expect(h.github.requests.filter('PATCH /repos/{owner}/{repo}/git/refs/{ref}').map((r) => r.faulted)).toEqual([true]);
    const after = await history('lost-answer');
    expect(after.slice(1)).toEqual(before);
    expect(op.afterSha).toBe(after[0]);
    await expectSnapshotIs(id, 'lost-answer', after[0]!);
  }, 60_000);

  it('opens exactly one pull request when GitHub opened it but the answer was lost', async () => {
    const id = await importedRepository('one-pull', { 'a.md': 'a\n' });
    h.github.faults.add({ method: 'POST', path: '/repos/octo/one-pull/pulls', cutAfterBytes: 0, times: 1 });
    h.github.requests.clear();
    const op = await outbound(id, { message: 'One pull request', mode: 'protected_pr', changes: [{ path: 'a.md', content: 'a, reviewed\n' }] });
    expect(op.status, JSON.stringify(op.error)).toBe('succeeded');
    expect(h.github.requests.count('POST /repos/{owner}/{repo}/git/commits')).toBe(1);
    expect(h.github.requests.filter('POST /repos/{owner}/{repo}/pulls').map((r) => [r.status, r.faulted])).toEqual([[201, true], [422, false]]);
    const octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
    const { data: pulls } = await octokit.rest.pulls.list({ owner: 'octo', repo: 'one-pull', state: 'all' });
    expect(pulls.map((p) => p.number)).toEqual([op.metadata.result.number]);
    expect(await history('one-pull', `reposync/${op.id}`)).toHaveLength(2);
  }, 60_000);

  it('refuses bad input with 400 naming the field, an unknown project with 404, and one never synced with 409', async () => {
    const id = await importedRepository('refusals', { 'a.txt': 'a\n' });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ message: 'm', changes: [] }, /changes/],
      [{ message: 'm', changes: [{ path: '/abs.txt', content: 'x' }] }, /changes\[0\]\.path/],
      [{ message: 'm', changes: [{ path: 'a/../b.txt', content: 'x' }] }, /changes\[0\]\.path/],
      [{ message: 'm', changes: [{ path: '.git/config', content: 'x' }] }, /changes\[0\]\.path/],
      [{ message: 'm', changes: [{ path: '', content: 'x' }] }, /changes\[0\]\.path/],
      [{ message: 'm', changes: [{ path: `${'d/'.repeat(2100)}x`, content: 'x' }] }, /changes\[0\]\.path/],
      [{ message: 'm', changes: [{ path: 'a.txt', content: 'x' }, { path: 'a.txt', delete: true }] }, /changes\[1\]\.path/],
      [{ message: 'm', changes: [{ path: 'b.bin', content: '%%%', encoding: 'base64' }] }, /changes\[0\]\.content/],
      [{ message: 'm', changes: [{ path: 'missing.txt', delete: true }] }, /changes\[0\]\.path/],
      [{ message: '', changes: [{ path: 'a.txt', content: 'x' }] }, /message/],
      [{ message: 'm', mode: 'yolo', changes: [{ path: 'a.txt', content: 'x' }] }, /mode/],
    ];
    for (const [payload, field] of cases) {
      const response = await postOutbound(id, payload);
      expect(response.statusCode, JSON.stringify(payload).slice(0, 100)).toBe(400);
      expect(response.json().message).toMatch(field);
    }
    const operations = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations`, headers: h.auth() })).json().operations;
    expect(operations.filter((o: Operation) => o.kind === 'outbound')).toEqual([]);

    const unknown = await postOutbound('00000000-0000-4000-8000-000000000000', { message: 'm', changes: [{ path: 'a.txt', content: 'x' }] });
    expect(unknown.statusCode).toBe(404);
    const otherTenant = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/outbound`, headers: h.auth(h.otherKey), payload: { message: 'm', changes: [{ path: 'a.txt', content: 'x' }] } });
    expect(otherTenant.statusCode).toBe(404);

    await h.github.repos.create('octo', 'never-synced', {});
    await h.github.repos.commit('octo', 'never-synced', { message: 'x', files: { 'a.txt': 'a\n' } });
    const { id: fresh } = await h.link('octo', 'never-synced');
    const early = await postOutbound(fresh, { message: 'm', changes: [{ path: 'a.txt', content: 'x' }] });
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toMatch(/initial sync required/);
  }, 60_000);

  it('accepts a file over the warning limit with a warning, and refuses one over the size limit', async () => {
    await h.github.repos.create('octo', 'limits', {});
    await h.github.repos.commit('octo', 'limits', { message: 'x', files: { 'a.txt': 'a\n' } });
    const { id } = await h.link('octo', 'limits', { filter: { maxFileBytes: 2000, warnFileBytes: 1000 } });
    await h.initialSync(id);
    const tooLarge = await postOutbound(id, { message: 'm', changes: [{ path: 'big.txt', content: 'x'.repeat(2001) }] });
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.json().message).toMatch(/changes\[0\]\.content.*2001 bytes/);
    const large = await postOutbound(id, { message: 'm', mode: 'direct_commit', changes: [{ path: 'big.txt', content: 'x'.repeat(1500) }] });
    expect(large.statusCode).toBe(202);
    expect(large.json().warnings).toEqual([expect.stringMatching(/^big\.txt: large file/)]);
    expect((await ended(id, large.json().operationId)).status).toBe('succeeded');
  }, 60_000);

  it('commits once for an edit retried with the same Idempotency-Key, in turn or concurrently', async () => {
    const id = await importedRepository('idem', { 'a.md': 'a\n', 'b.md': 'b\n' });
    const before = await history('idem');
    h.github.requests.clear();
    const edit = (key: string, path: string, content: string) =>
      h.app.inject({ method: 'POST', url: `/api/projects/${id}/outbound`, headers: { ...h.auth(), 'idempotency-key': key }, payload: { message: `edit ${path}`, mode: 'direct_commit', changes: [{ path, content }] } });

    // A client that timed out sends the same request again.
    const first = await edit('retry-1', 'a.md', 'a, edited\n');
    const retried = await edit('retry-1', 'a.md', 'a, edited\n');
    expect([first.statusCode, retried.statusCode]).toEqual([202, 202]);
    expect(retried.json().operationId).toBe(first.json().operationId);
    expect((await ended(id, first.json().operationId)).status).toBe('succeeded');

    // Two copies at once: one runs, the other gets its answer.
    const copies = await Promise.all([edit('retry-2', 'b.md', 'b, edited\n'), edit('retry-2', 'b.md', 'b, edited\n')]);
    expect(copies.map((copy) => copy.statusCode)).toEqual([202, 202]);
    expect(copies[1]!.json().operationId).toBe(copies[0]!.json().operationId);
    expect(copies[0]!.json().operationId).not.toBe(first.json().operationId);
    expect((await ended(id, copies[0]!.json().operationId)).status).toBe('succeeded');

    expect(await history('idem')).toHaveLength(before.length + 2);
    expect(h.github.requests.count('POST /repos/{owner}/{repo}/git/commits')).toBe(2);
    const operations = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations?limit=100`, headers: h.auth() })).json().operations as Operation[];
    expect(operations.filter((o) => o.kind === 'outbound')).toHaveLength(2);

    const reused = await edit('retry-1', 'a.md', 'something else\n');
    expect(reused.statusCode).toBe(422);
    expect(reused.json().message).toMatch(/Idempotency-Key "retry-1" was first used with a different request/);

    // Keys are the tenant's own: another tenant's "retry-1" is a new request.
    const linked = await h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(h.otherKey), payload: { owner: 'octo', repo: 'idem', token: h.github.token } });
    const other = linked.json().id as string;
    const asked = new Date();
    const theirs = await h.app.inject({ method: 'POST', url: `/api/projects/${other}/sync/initial`, headers: { ...h.auth(h.otherKey), 'idempotency-key': 'retry-1' } });
    expect(theirs.statusCode, theirs.body).toBe(202);
    expect(theirs.json()).toMatchObject({ workflowId: `initial-sync/${other}`, alreadyRunning: false });
    await (await childRun(h.temporal, `initial-sync/${other}`, asked)).result();
  }, 90_000);

  it('opens one pull request for an edit whose client timed out and retried while the first was in flight', async () => {
    const id = await importedRepository('idem-pull', { 'a.md': 'a\n' });
    // The writer is busy with a re-import held until the retry has been answered, so the edit
    // waits in its queue the whole time, however slowly the machine runs.
    let releaseReimport!: () => void;
    h.github.faults.add({ path: '/octo/idem-pull/legacy.zip', holdUntil: new Promise<void>((resolve) => (releaseReimport = resolve)), times: 1 });
    const asked = new Date();
    expect((await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() })).statusCode).toBe(202);
    const reimport = await childRun(h.temporal, `initial-sync/${id}`, asked);
    h.github.requests.clear();

    const key = `pull-${randomUUID()}`;
    const payload = JSON.stringify({ message: 'Reviewed edit', mode: 'protected_pr', changes: [{ path: 'a.md', content: 'a, reviewed\n' }] });
    // The first copy goes over a real connection the client gives up on once the API has it.
    const first = request(`${apiUrl}/api/projects/${id}/outbound`, {
      method: 'POST',
      headers: { ...h.auth(), 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'idempotency-key': key },
    });
    first.on('error', () => undefined);
    first.end(payload);
    const tenantId = (await h.db.selectFrom('projects').select('tenant_id').where('id', '=', id).executeTakeFirstOrThrow()).tenant_id;
    const deadline = Date.now() + 15_000;
    while (!(await h.db.selectFrom('idempotency_keys').select('key').where('tenant_id', '=', tenantId).where('key', '=', key).executeTakeFirst())) {
      if (Date.now() > deadline) throw new Error('the API never received the first copy');
      await sleep(20);
    }
    first.destroy();

    const retried = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/outbound`, headers: { ...h.auth(), 'content-type': 'application/json', 'idempotency-key': key }, payload });
    expect(retried.statusCode, retried.body).toBe(202);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    const { operationId } = retried.json();
    expect((await reimport.describe()).status.name).toBe('RUNNING');
    releaseReimport();

    const op = await ended(id, operationId, 60_000);
    expect(op.status, JSON.stringify(op.error)).toBe('succeeded');
    expect(op.metadata.result).toMatchObject({ kind: 'pull-request', reason: 'mode' });
    expect(h.github.requests.count('POST /repos/{owner}/{repo}/pulls')).toBe(1);
    expect(h.github.requests.count('POST /repos/{owner}/{repo}/git/commits')).toBe(1);
    const octokit = new Octokit({ baseUrl: h.github.url, auth: h.github.token });
    const { data: pulls } = await octokit.rest.pulls.list({ owner: 'octo', repo: 'idem-pull', state: 'all' });
    expect(pulls.map((p) => p.number)).toEqual([op.metadata.result.number]);
    const operations = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations?limit=100`, headers: h.auth() })).json().operations as Operation[];
    expect(operations.filter((o) => o.kind === 'outbound').map((o) => o.id)).toEqual([operationId]);
  }, 90_000);

  it('makes no commit for an edit the branch already holds, and says so on the operation', async () => {
    const id = await importedRepository('same', { 'a.md': 'a\n', 'b.md': 'b\n', 'c.md': 'c\n' });
    // Removed on GitHub after the import: our snapshot still lists it, the branch no longer has it.
    await h.github.repos.commit('octo', 'same', { message: 'drop c', files: { 'c.md': null } });
    const before = await history('same');
    h.github.requests.clear();

    const direct = await outbound(id, { message: 'nothing new', mode: 'direct_commit', changes: [{ path: 'a.md', content: 'a\n' }, { path: 'c.md', delete: true }] });
    expect(direct).toMatchObject({ status: 'succeeded', filesAdded: 0, filesModified: 0, filesRemoved: 0, metadata: { noChange: true, result: { kind: 'commit', noChange: true, commitSha: before[0] } } });
    // Nor a pull request in the mode that would open one.
    const pull = await outbound(id, { message: 'nothing new either', mode: 'protected_pr', changes: [{ path: 'b.md', content: 'b\n' }] });
    expect(pull).toMatchObject({ status: 'succeeded', metadata: { noChange: true } });

    expect(await history('same')).toEqual(before);
    // Only this repository's requests: other tests' syncs share the emulator's log.
    const writes = h.github.requests.filter('/repos/octo/same').filter((entry) => entry.method !== 'GET');
    expect(writes.map((entry) => `${entry.method} ${entry.path}`)).toEqual([]);
  }, 60_000);

  it('never commits content whose stored copy has gone bad: the edit fails integrity-mismatch, and sending it again commits the right bytes', async () => {
    // Another project's import stored this content first, so the edit finds it stored and does not upload it again.
    const shared = `shared across projects ${randomUUID()}\n`;
    await importedRepository('rot-source', { 'shared.txt': shared });
    const id = await importedRepository('rot-target', { 'a.md': 'a\n' });
    await corruptStoredBlob(h, gitBlobSha(shared), '?'.repeat(Buffer.byteLength(shared)));
    const before = await history('rot-target');

    const op = await outbound(id, { message: 'Add the shared file', mode: 'direct_commit', changes: [{ path: 'copy.txt', content: shared }] });
    expect(op.status).toBe('failed');
    expect(op.error).toMatchObject({ code: 'integrity-mismatch' });
    expect(op.error!.message).toMatch(/copy\.txt: the stored copy of blob [0-9a-f]{40} is corrupt.*nothing was committed/);
    expect(await history('rot-target')).toEqual(before);

    const again = await outbound(id, { message: 'Add the shared file, again', mode: 'direct_commit', changes: [{ path: 'copy.txt', content: shared }] });
    expect(again.status, JSON.stringify(again.error)).toBe('succeeded');
    expect(await git(gitDir('rot-target'), ['show', `${(await history('rot-target'))[0]}:copy.txt`])).toBe(shared);
  }, 60_000);
});
