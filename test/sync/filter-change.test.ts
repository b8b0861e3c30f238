import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileList } from '../support/api-answers.js';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(() => h.close());

const FILES = { 'index.js': 'module.exports = require("./lib/express");\n', 'lib/express.js': 'exports.app = 1;\n', 'docs/guide.md': '# guide\n' };

/** A repository imported with `lib/` filtered out. */
async function importedWithoutLib(name: string) {
  const id = await importRepository(h, name, FILES, { link: { filter: { skipDirectories: ['lib'] } } });
  const skipped = await fileContent(id, 'lib/express.js');
  expect(skipped.statusCode).toBe(409);
  expect(skipped.json().message).toContain('skipped-directory');
  return id;
}

function fileContent(id: string, path: string) {
  return h.app.inject({ method: 'GET', url: `/api/projects/${id}/files/${path}`, headers: h.auth() });
}

async function changeFilter(id: string, filter: Record<string, unknown>) {
  const patched = await h.app.inject({ method: 'PATCH', url: `/api/projects/${id}`, headers: h.auth(), payload: { filter } });
  expect(patched.statusCode).toBe(200);
}

async function listing(id: string) {
  const files = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files?limit=1000`, headers: h.auth() })).json<FileList>().files;
  return Object.fromEntries(files.map((file) => [file.path, file.skipReason]));
}

/** Asks for an incremental sync and waits until the project's snapshot is at `sha` with the new filter applied. */
async function syncTo(id: string, sha: string, applied: () => Promise<boolean>) {
  const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync`, headers: h.auth() });
  expect(started.statusCode).toBe(202);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const project = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json();
    if (project.sync.lastSyncedSha === sha && project.sync.status === 'synced' && (await applied())) return;
    await sleep(200);
  }
  throw new Error(`project ${id} never synced to ${sha} with its new filter: ${JSON.stringify(await listing(id))}`);
}

describe('a filter change', () => {
  it('reaches files already imported when the same commit is imported again', async () => {
    const id = await importedWithoutLib('reimport-after-filter');
    await changeFilter(id, {});
    expect((await h.initialSync(id)).status).toBe('synced');
    const content = await fileContent(id, 'lib/express.js');
    expect(content.statusCode).toBe(200);
    expect(content.body).toBe(FILES['lib/express.js']);
    expect((await listing(id))['lib/express.js']).toBeNull();
  });

  it('marks newly excluded files skipped, and fetches newly included ones, at the next push', async () => {
    const id = await importedWithoutLib('push-after-filter');
    await changeFilter(id, { skipDirectories: ['docs'] });
    const { sha } = await h.github.repos.commit('octo', 'push-after-filter', { message: 'touch index', files: { 'index.js': 'module.exports = 2;\n' } });
    await syncTo(id, sha, async () => (await fileContent(id, 'lib/express.js')).statusCode === 200);
    expect((await fileContent(id, 'lib/express.js')).body).toBe(FILES['lib/express.js']);
    expect((await fileContent(id, 'index.js')).body).toBe('module.exports = 2;\n');
    const docs = await fileContent(id, 'docs/guide.md');
    expect(docs.statusCode).toBe(409);
    expect(docs.json().message).toContain('skipped-directory');
    expect(await listing(id)).toEqual({ 'index.js': null, 'lib/express.js': null, 'docs/guide.md': 'skipped-directory' });
  });

  it('is applied by the next sync even when the branch has not moved', async () => {
    const id = await importedWithoutLib('sync-after-filter');
    const head = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json().sync.lastSyncedSha as string;
    await changeFilter(id, {});
    await syncTo(id, head, async () => (await fileContent(id, 'lib/express.js')).statusCode === 200);
    expect((await fileContent(id, 'lib/express.js')).body).toBe(FILES['lib/express.js']);
  });
});
