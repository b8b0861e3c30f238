import { randomBytes } from 'node:crypto';
import { mkdir, symlink, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileEntry, FileList } from '../support/api-answers.js';
import { craftZip } from '../support/craft-zip.js';
import { git, lsTree, pushWithClone } from '../support/git-cli.js';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ env: { SYNC_MAX_ATTEMPTS: '3' } });
});
afterAll(() => h.close());

async function listAllFiles(projectId: string, ref?: string): Promise<FileEntry[]> {
  const files: FileEntry[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: '500', ...(cursor ? { cursor } : {}), ...(ref ? { ref } : {}) });
    const page = await h.app.inject({ method: 'GET', url: `/api/projects/${projectId}/files?${query}`, headers: h.auth() });
    expect(page.statusCode).toBe(200);
    const body: FileList = page.json();
    files.push(...body.files);
    cursor = body.nextCursor;
  } while (cursor);
  return files;
}

async function fileContent(projectId: string, filePath: string, ref?: string) {
  const url = `/api/projects/${projectId}/files/${filePath.split('/').map(encodeURIComponent).join('/')}${ref ? `?ref=${ref}` : ''}`;
  return h.app.inject({ method: 'GET', url, headers: h.auth() });
}

async function latestOperation(projectId: string) {
  const response = await h.app.inject({ method: 'GET', url: `/api/projects/${projectId}/operations`, headers: h.auth() });
  return response.json().operations[0];
}

/** Lines of text long enough to need several S3 parts, not compressible like a bomb. */
function largeText(bytes: number): string {
  const line = () => randomBytes(48).toString('base64') + '\n';
  const lines: string[] = [];
  for (let size = 0; size < bytes; size += 65) lines.push(line());
  return lines.join('');
}

describe('InitialSync of a realistic repository', () => {
  let projectId: string;
  let head: string;
  let gitDir: string;

  beforeAll(async () => {
    await h.github.repos.create('octo', 'kitchen-sink', { defaultBranch: 'trunk' });
    gitDir = h.github.repos.path('octo', 'kitchen-sink');
    const submoduleTarget = (await h.github.repos.create('octo', 'library')) && (await h.github.repos.commit('octo', 'library', { branch: 'main', message: 'lib', files: { 'lib.txt': 'library\n' } })).sha;
    head = await pushWithClone(
      gitDir,
      async (dir) => {
        const write = async (file: string, content: string | Buffer) => {
          await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
          await writeFile(path.join(dir, file), content);
        };
        await write('README.md', '# Kitchen sink\n');
        await write('docs/guide.mdx', 'export const x = 1\n\n# Guide\n');
        await write('src/index.ts', 'export const answer = 42;\n');
        await write('dir with space/file name.txt', 'spaces\n');
        await write('unicodé/naïve café.txt', 'non-ascii\n');
        await write('日本語.md', 'こんにちは\n');
        await write('bin/run.sh', '#!/bin/sh\necho run\n');
        await chmod(path.join(dir, 'bin/run.sh'), 0o755);
        await symlink('README.md', path.join(dir, 'link-to-readme'));
        await write('empty.txt', '');
        await write('node_modules/pkg/index.js', 'module.exports = 1;\n');
        await write('vendor/lib.go', 'package lib\n');
        await write('dist/bundle.js', 'built\n');
        await write('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
        await write('blob.dat', Buffer.concat([Buffer.from('header'), Buffer.alloc(16), randomBytes(64)]));
        await write('models/weights.pt', 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n');
        await write('.gitattributes', 'ignored.txt export-ignore\nsubst.txt export-subst\ncrlf.txt eol=crlf\n');
        await write('ignored.txt', 'left out of archives\n');
        await write('subst.txt', 'commit: $Format:%H$\n');
        await write('crlf.txt', 'line one\nline two\n');
        await write('large/sixty-megabytes.txt', largeText(60 * 1024 * 1024));
        await write('.gitmodules', '[submodule "ext/library"]\n\tpath = ext/library\n\turl = ../library.git\n');
        // An empty folder stands for the submodule's checkout, so `git add -A` keeps the gitlink.
        await mkdir(path.join(dir, 'ext/library'), { recursive: true });
        await git(dir, ['update-index', '--add', '--cacheinfo', `160000,${submoduleTarget},ext/library`]);
      },
      { branch: 'trunk' },
    );
    projectId = (await h.link('octo', 'kitchen-sink')).id;
  }, 120_000);

  it('imports every path of the tree with its exact SHA and mode, explaining every skip', async () => {
    const status = await h.initialSync(projectId);
    expect(status).toMatchObject({ status: 'synced', error: null, lastSyncedCommitSha: head });

    const expected = await lsTree(gitDir, head);
    const files = await listAllFiles(projectId);
    expect(files.map((file) => file.path).sort()).toEqual([...expected.keys()].sort());
    for (const file of files) {
      const truth = expected.get(file.path)!;
      expect({ path: file.path, sha: file.sha, mode: file.mode }).toEqual({ path: file.path, sha: truth.sha, mode: truth.mode });
    }

    const byPath = new Map(files.map((file) => [file.path, file]));
    expect(byPath.get('node_modules/pkg/index.js')?.skipReason).toBe('skipped-directory');
    expect(byPath.get('vendor/lib.go')?.skipReason).toBe('skipped-directory');
    expect(byPath.get('dist/bundle.js')?.skipReason).toBe('skipped-directory');
    expect(byPath.get('image.png')?.skipReason).toBe('binary-extension');
    expect(byPath.get('blob.dat')?.skipReason).toBe('binary-content');
    expect(byPath.get('models/weights.pt')).toMatchObject({ lfsPointer: true, skipReason: null });
    expect(byPath.get('link-to-readme')).toMatchObject({ kind: 'symlink', mode: '120000', skipReason: null });
    expect(byPath.get('ext/library')).toMatchObject({ kind: 'submodule', mode: '160000' });
    expect(byPath.get('bin/run.sh')?.mode).toBe('100755');
    expect(byPath.get('empty.txt')).toMatchObject({ size: 0, skipReason: null });
    expect(byPath.get('large/sixty-megabytes.txt')).toMatchObject({ skipReason: null, warning: expect.stringMatching(/large file/) });
    const editable = files.filter((file) => file.editable).map((file) => file.path).sort();
    expect(editable).toEqual(['README.md', 'docs/guide.mdx', '日本語.md']);
    // Every file without a skip reason has its verified content in the blob store.
    for (const file of files.filter((f) => f.skipReason === null && f.kind !== 'submodule')) expect(await h.blobs.has(file.sha), file.path).toBe(true);
  }, 180_000);

  it('serves each file byte-exact, as git stores it', async () => {
    for (const filePath of ['README.md', 'unicodé/naïve café.txt', '日本語.md', 'bin/run.sh', 'empty.txt', 'crlf.txt', 'subst.txt', 'ignored.txt']) {
      const response = await fileContent(projectId, filePath);
      expect(response.statusCode, filePath).toBe(200);
      const truth = await git(gitDir, ['show', `${head}:${filePath}`]);
      expect(response.body, filePath).toBe(truth);
    }
    const link = await fileContent(projectId, 'link-to-readme');
    expect(link.body).toBe('README.md');
    expect(link.headers['x-reposync-mode']).toBe('120000');
    expect((await fileContent(projectId, 'README.md')).headers['content-type']).toMatch(/text\/markdown/);
    expect((await fileContent(projectId, 'image.png')).statusCode).toBe(409);
    expect((await fileContent(projectId, 'nope.txt')).statusCode).toBe(404);
  });

  it('fetches by SHA what the archive leaves out or changes, and records how it got the bytes', async () => {
    const operation = await latestOperation(projectId);
    expect(operation).toMatchObject({ kind: 'initial', status: 'succeeded', afterSha: head, error: null });
    expect(operation.metadata.fetchedOutsideArchive).toEqual(expect.arrayContaining(['ignored.txt', 'subst.txt', 'crlf.txt']));
    // The request budget is constant in the number of files: no request per file beyond these.
    expect(operation.apiRequests).toBeLessThanOrEqual(6 + operation.metadata.fetchedOutsideArchiveCount);
    expect(operation.filesSkipped).toBe(5);
  });

  it('keeps older snapshots readable with ?ref after a re-import of a newer commit', async () => {
    const next = await h.github.repos.commit('octo', 'kitchen-sink', { branch: 'trunk', message: 'edit', files: { 'README.md': '# Kitchen sink, edited\n' } });
    const status = await h.initialSync(projectId);
    expect(status.lastSyncedCommitSha).toBe(next.sha);
    expect((await fileContent(projectId, 'README.md')).body).toBe('# Kitchen sink, edited\n');
    expect((await fileContent(projectId, 'README.md', head)).body).toBe('# Kitchen sink\n');
    expect((await h.app.inject({ method: 'GET', url: `/api/projects/${projectId}/files?ref=${'0'.repeat(40)}`, headers: h.auth() })).statusCode).toBe(404);
  }, 120_000);
});

describe('InitialSync failures', () => {
  it('reports a rejected token as auth-failed, on the project and in the operation', async () => {
    await h.github.repos.create('octo', 'auth', {});
    await h.github.repos.commit('octo', 'auth', { message: 'x', files: { 'a.txt': 'a' } });
    const { id } = await h.link('octo', 'auth', { token: 'ghp_wrong' });
    const status = await h.initialSync(id);
    expect(status.status).toBe('failed');
    expect(status.error?.code).toBe('auth-failed');
    expect(status.error?.message).toMatch(/401/);
    const operation = await latestOperation(id);
    expect(operation).toMatchObject({ status: 'failed', error: { code: 'auth-failed' } });
  }, 60_000);

  it('reports an unknown repository as not-found', async () => {
    const { id } = await h.link('octo', 'does-not-exist');
    const status = await h.initialSync(id);
    expect(status.error?.code).toBe('not-found');
    expect((await latestOperation(id)).error.code).toBe('not-found');
  }, 60_000);

  it('reports a project without credentials as no-credentials', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/api/projects', headers: h.auth(), payload: { owner: 'octo', repo: 'auth', branch: 'other' } });
    const status = await h.initialSync(response.json().id);
    expect(status.error).toMatchObject({ code: 'no-credentials', message: expect.stringMatching(/no GitHub credentials/) });
  }, 60_000);

  it("skips files over the project's block limit as too-large and stores those over the warning limit with a warning", async () => {
    const id = await importRepository(h, 'sizes', { 'small.txt': 'tiny\n', 'medium.txt': 'a'.repeat(200) + '\n', 'huge.txt': 'b'.repeat(5000) + '\n' }, { link: { filter: { maxFileBytes: 1000, warnFileBytes: 100 } } });
    const files = Object.fromEntries((await listAllFiles(id)).map((file) => [file.path, file]));
    expect(files['huge.txt']).toMatchObject({ skipReason: 'too-large', warning: expect.stringMatching(/over the 1000-byte limit/) });
    expect(files['medium.txt']).toMatchObject({ skipReason: null, warning: expect.stringMatching(/large file/) });
    expect(files['small.txt']).toMatchObject({ skipReason: null, warning: null });
    expect((await fileContent(id, 'medium.txt')).statusCode).toBe(200);
    expect((await fileContent(id, 'huge.txt')).json().message).toMatch(/too-large/);
  }, 60_000);

  it('imports an empty repository as an empty snapshot and says so', async () => {
    await h.github.repos.create('octo', 'empty', {});
    const { id } = await h.link('octo', 'empty');
    const status = await h.initialSync(id);
    expect(status).toMatchObject({ status: 'synced', error: null, lastSyncedCommitSha: null });
    expect(await listAllFiles(id)).toEqual([]);
    expect((await latestOperation(id)).metadata).toMatchObject({ empty: true });
  }, 60_000);
});

describe('InitialSync under GitHub faults', () => {
  it('rides out 5xx, rate limits and an archive cut mid-stream, and still imports exactly', async () => {
    await h.github.repos.create('octo', 'flaky', {});
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i += 1) files[`src/file-${i}.txt`] = `content ${i}\n${'x'.repeat(i * 10)}\n`;
    const { sha } = await h.github.repos.commit('octo', 'flaky', { message: 'many', files });
    const { id } = await h.link('octo', 'flaky');
    h.github.faults.add({ path: '/repos/octo/flaky/git/trees', status: 502, times: 2 });
    h.github.faults.secondaryRateLimit({ path: '/repos/octo/flaky/branches', times: 1, status: 429, retryAfter: 1 });
    h.github.faults.add({ path: '/octo/flaky/legacy.zip', cutAfterBytes: 20_000, times: 1 });
    const status = await h.initialSync(id);
    expect(status).toMatchObject({ status: 'synced', lastSyncedCommitSha: sha });
    const listed = await listAllFiles(id);
    const truth = await lsTree(h.github.repos.path('octo', 'flaky'), sha);
    expect(listed.map((file) => [file.path, file.sha])).toEqual([...truth.entries()].map(([p, e]) => [p, e.sha]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
  }, 120_000);

  it('fails with integrity-mismatch when GitHub serves bytes that cannot match the tree', async () => {
    await h.github.repos.create('octo', 'tampered', {});
    const { sha } = await h.github.repos.commit('octo', 'tampered', { message: 'x', files: { '.gitattributes': 'secret.txt export-ignore\n', 'secret.txt': 'the real bytes\n' } });
    const tree = await lsTree(h.github.repos.path('octo', 'tampered'), sha);
    h.github.faults.add({ path: `/repos/octo/tampered/git/blobs/${tree.get('secret.txt')!.sha}`, status: 200, body: Buffer.from('forged bytes\n') });
    const { id } = await h.link('octo', 'tampered');
    const status = await h.initialSync(id);
    expect(status.error).toMatchObject({ code: 'integrity-mismatch', message: expect.stringMatching(/secret\.txt/) });
    // Nothing half-written became visible.
    expect(await listAllFiles(id)).toEqual([]);
  }, 60_000);

  it('refuses an archive whose entries escape the root folder, without writing anything', async () => {
    await h.github.repos.create('octo', 'evil', {});
    await h.github.repos.commit('octo', 'evil', { message: 'x', files: { 'a.txt': 'a\n' } });
    const zip = await craftZip([['octo-evil-1234567/', ''], ['octo-evil-1234567/a.txt', 'a\n'], ['octo-evil-1234567/../../escape.txt', 'pwned\n']]);
    h.github.faults.add({ path: '/octo/evil/legacy.zip', status: 200, body: zip, headers: { 'content-type': 'application/zip' } });
    const { id } = await h.link('octo', 'evil');
    const status = await h.initialSync(id);
    expect(status.error).toMatchObject({ code: 'unsafe-archive', message: expect.stringMatching(/\.\./) });
    expect(await listAllFiles(id)).toEqual([]);
  }, 60_000);
});

describe('the initial sync API', () => {
  it('returns 202 at once and the running sync to a second caller, never a second workflow', async () => {
    await h.github.repos.create('octo', 'slow', {});
    const { sha } = await h.github.repos.commit('octo', 'slow', { message: 'x', files: { 'a.md': '# a\n' } });
    const { id } = await h.link('octo', 'slow');
    h.github.faults.add({ path: '/octo/slow/legacy.zip', delayMs: 3_000, times: 1 });
    const first = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    const second = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ status: 'pending', alreadyRunning: false, workflowId: `initial-sync/${id}` });
    expect(second.json()).toMatchObject({ alreadyRunning: true, syncId: first.json().syncId, workflowId: first.json().workflowId });

    // While it runs, the status comes from the workflow query.
    let live;
    for (let i = 0; i < 40; i += 1) {
      live = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
      if (live.phase === 'streaming') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(live).toMatchObject({ status: 'syncing', phase: 'streaming', workflowId: `initial-sync/${id}` });
    expect(live.progress).toMatchObject({ filesDone: expect.any(Number), filesTotal: expect.any(Number) });

    await h.temporal.workflow.getHandle(first.json().workflowId).result();
    const done = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
    expect(done).toMatchObject({ status: 'synced', lastSyncedCommitSha: sha, phase: null });
  }, 60_000);

  it('streams progress as Server-Sent Events and ends with a done event', async () => {
    await h.github.repos.create('octo', 'sse', {});
    await h.github.repos.commit('octo', 'sse', { message: 'x', files: { 'a.md': '# a\n' } });
    const { id } = await h.link('octo', 'sse');
    h.github.faults.add({ path: '/octo/sse/legacy.zip', delayMs: 1_500, times: 1 });
    await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    const response = await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/events`, headers: h.auth() });
    expect(response.headers['content-type']).toBe('text/event-stream');
    const events = response.body.split('\n\n').filter(Boolean).map((block) => block.split('\n')[0]);
    expect(events).toContain('event: progress');
    expect(events.at(-1)).toBe('event: done');
    expect(response.body).toMatch(/"status":"synced"/);
  }, 60_000);

  it('never leaves a terminated sync showing as syncing', async () => {
    await h.github.repos.create('octo', 'terminated', {});
    await h.github.repos.commit('octo', 'terminated', { message: 'x', files: { 'a.md': '# a\n' } });
    const { id } = await h.link('octo', 'terminated');
    h.github.faults.add({ path: '/octo/terminated/legacy.zip', delayMs: 5_000, times: 1 });
    const started = (await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() })).json();
    for (let i = 0; i < 40 && (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json().phase !== 'streaming'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await h.temporal.workflow.getHandle(started.workflowId).terminate('operator stopped it');
    const status = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
    expect(status).toMatchObject({ status: 'failed', error: { code: 'internal', message: expect.stringMatching(/TERMINATED/) } });
  }, 60_000);

  it("answers another tenant's project with 404", async () => {
    const { id } = await h.link('octo', 'kitchen-sink', { branch: 'other-branch' });
    for (const url of [`/api/projects/${id}/sync/initial`, `/api/projects/${id}/sync/status`, `/api/projects/${id}/files`, `/api/projects/${id}/operations`]) {
      const response = await h.app.inject({ method: url.endsWith('initial') ? 'POST' : 'GET', url, headers: h.auth(h.otherKey) });
      expect(response.statusCode, url).toBe(404);
    }
  });
});
