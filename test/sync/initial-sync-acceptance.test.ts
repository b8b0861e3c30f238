import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastImportCommit, type FastImportFile } from '../support/fast-import.js';
import { git, lsTree } from '../support/git-cli.js';
import type { FileEntry, FileList } from '../support/api-answers.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(() => h.close());

const SMALL_FILES = 40_000;

function* acceptanceRepository(submoduleCommit: string): Generator<FastImportFile> {
  for (let i = 0; i < SMALL_FILES; i += 1) {
    yield { path: `src/module-${i % 400}/file-${i}.ts`, content: `export const value${i} = ${i};\n// ${randomBytes(24).toString('hex')}\n` };
  }
  yield { path: 'README.md', content: '# Acceptance\n' };
  yield { path: 'docs/ünïcödé naïve.md', content: 'non-ascii and spaces\n' };
  yield { path: '中文/说明.txt', content: '你好\n' };
  yield { path: 'bin/tool', content: '#!/bin/sh\necho tool\n', mode: '100755' };
  yield { path: 'latest', symlink: 'docs/ünïcödé naïve.md' };
  yield { path: 'third_party/lib', submodule: submoduleCommit };
  const line = () => randomBytes(48).toString('base64') + '\n';
  const big: string[] = [];
  for (let size = 0; size < 60 * 1024 * 1024; size += 65) big.push(line());
  yield { path: 'data/sixty-megabytes.csv', content: big.join('') };
  yield { path: 'assets/logo.png', content: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), randomBytes(2048)]) };
  yield { path: 'assets/raw.dat', content: Buffer.concat([Buffer.alloc(32), randomBytes(4096)]) };
  yield { path: 'node_modules/left-pad/index.js', content: 'module.exports = 1;\n' };
  yield { path: 'build/output.js', content: 'built\n' };
  yield { path: '__pycache__/x.pyc', content: 'cache\n' };
  yield { path: '.gitattributes', content: 'secret-notes.txt export-ignore\nwindows.txt eol=crlf\n' };
  yield { path: 'secret-notes.txt', content: 'not in archives\n' };
  yield { path: 'windows.txt', content: 'one\ntwo\n' };
}

describe('the InitialSync acceptance repository', () => {
  it('imports 40,000 files plus every special case with a listing equal to git ls-tree, every skip explained', async () => {
    await h.github.repos.create('octo', 'acceptance', {});
    await h.github.repos.create('octo', 'submodule', {});
    const { sha: submoduleCommit } = await h.github.repos.commit('octo', 'submodule', { message: 's', files: { 'x.txt': 'x' } });
    const gitDir = h.github.repos.path('octo', 'acceptance');
    await fastImportCommit(gitDir, 'main', acceptanceRepository(submoduleCommit));
    const head = (await git(gitDir, ['rev-parse', 'refs/heads/main'])).trim();
    const { id } = await h.link('octo', 'acceptance');

    const status = await h.initialSync(id);
    expect(status).toMatchObject({ status: 'synced', lastSyncedCommitSha: head, error: null });

    const truth = await lsTree(gitDir, head);
    const listed: FileEntry[] = [];
    let cursor: string | null = null;
    do {
      const page: FileList = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: h.auth() })).json();
      listed.push(...page.files);
      cursor = page.nextCursor;
    } while (cursor);

    expect(listed.length).toBe(truth.size);
    expect(listed.length).toBeGreaterThan(SMALL_FILES);
    for (const file of listed) {
      const expected = truth.get(file.path);
      expect(expected, file.path).toBeDefined();
      expect([file.sha, file.mode], file.path).toEqual([expected!.sha, expected!.mode]);
    }
    const skipped = Object.fromEntries(listed.filter((file) => file.skipReason).map((file) => [file.path, file.skipReason]));
    expect(skipped).toEqual({
      'assets/logo.png': 'binary-extension',
      'assets/raw.dat': 'binary-content',
      'node_modules/left-pad/index.js': 'skipped-directory',
      'build/output.js': 'skipped-directory',
      '__pycache__/x.pyc': 'skipped-directory',
    });
    const kinds = Object.fromEntries(listed.filter((file) => file.kind !== 'file').map((file) => [file.path, file.kind]));
    expect(kinds).toEqual({ latest: 'symlink', 'third_party/lib': 'submodule' });

    const windows = await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files/windows.txt`, headers: h.auth() });
    expect(windows.body).toBe('one\ntwo\n');
    const operation = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations`, headers: h.auth() })).json().operations[0];
    expect(operation.metadata.fetchedOutsideArchive.sort()).toEqual(['secret-notes.txt', 'windows.txt']);
    // No request per file: repo, branch, zipball (+ codeload), the two blobs the archive changes,
    // and trees. This tree is over GitHub's 7 MB recursive limit, so it is read per sub-tree:
    // requests grow with oversized directories, never with files.
    const treeRequests = h.github.requests.entries.filter((entry) => entry.route === 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}').length;
    expect(operation.apiRequests - treeRequests).toBeLessThanOrEqual(8);
    expect(treeRequests).toBeLessThan(SMALL_FILES / 50);
  }, 600_000);
});
