import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileList } from '../support/api-answers.js';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { childRun } from '../support/child-run.js';
import { corruptStoredBlob } from '../support/corrupt-blob.js';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(() => h.close());

const FILES = { 'a.txt': 'alpha\n', 'b.txt': 'bravo\n', 'c/d.txt': 'delta\n' };

const imported = (name: string) => importRepository(h, name, FILES);

async function blobShaOf(id: string, path: string): Promise<string> {
  const files = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files?limit=1000`, headers: h.auth() })).json<FileList>().files;
  return files.find((file) => file.path === path)!.sha;
}

async function missingSince(sha: string) {
  const row = await h.db.selectFrom('blobs').select('missing_since').where('sha', '=', sha).executeTakeFirst();
  return row?.missing_since ?? null;
}

async function latestOperation(id: string, kind: string) {
  const operations = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations`, headers: h.auth() })).json().operations;
  return operations.find((operation: { kind: string }) => operation.kind === kind);
}

function fileContent(id: string, path: string) {
  return h.app.inject({ method: 'GET', url: `/api/projects/${id}/files/${path}`, headers: h.auth() });
}

const corrupt = (sha: string, bytes: string) => corruptStoredBlob(h, sha, bytes);

async function verify(id: string) {
  const since = new Date();
  const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/verify`, headers: h.auth() });
  expect(started.statusCode).toBe(202);
  const { workflowId } = started.json();
  expect(workflowId).toBe(`verify/${id}`);
  await (await childRun(h.temporal, workflowId, since)).result();
  return latestOperation(id, 'verify');
}

describe('a blob lost from storage', () => {
  it('answers 503 blob-missing naming the path, not a bare 500', async () => {
    const id = await imported('lost-read');
    const sha = await blobShaOf(id, 'a.txt');
    await h.blobs.delete(sha);
    const response = await fileContent(id, 'a.txt');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'blob-missing' });
    expect(response.json().message).toContain('a.txt');
    expect(response.json().message).toContain('verify');
    expect(await missingSince(sha)).not.toBeNull();
  });

  it('gone bad in its pack, answers 503 blob-missing, never the wrong bytes, until a re-import stores it again', async () => {
    const id = await imported('rotted-read');
    const sha = await blobShaOf(id, 'b.txt');
    expect((await h.db.selectFrom('blobs').select('pack_key').where('sha', '=', sha).executeTakeFirstOrThrow()).pack_key).not.toBeNull();
    await corrupt(sha, 'unused: the blob is packed');
    const response = await fileContent(id, 'b.txt');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'blob-missing' });
    expect(response.json().message).toMatch(/b\.txt .* is corrupt in storage; POST .*verify/);
    expect(await missingSince(sha)).not.toBeNull();
    expect((await h.initialSync(id)).status).toBe('synced');
    expect(await missingSince(sha)).toBeNull();
    const again = await fileContent(id, 'b.txt');
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(FILES['b.txt']);
  });

  it('is fetched again by a re-import of the same commit', async () => {
    const id = await imported('lost-reimport');
    const sha = await blobShaOf(id, 'c/d.txt');
    await h.blobs.delete(sha);
    expect((await fileContent(id, 'c/d.txt')).statusCode).toBe(503);
    expect((await h.initialSync(id)).status).toBe('synced');
    expect((await latestOperation(id, 'initial')).metadata).toMatchObject({ blobsRestored: 1 });
    expect(await missingSince(sha)).toBeNull();
    const response = await fileContent(id, 'c/d.txt');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(FILES['c/d.txt']);
  });

  it('is documented: the file route answers 503 blob-missing, and verify has its route', async () => {
    const { paths } = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(paths['/api/projects/{id}/files/{*}'].get.responses['503'].description).toContain('blob-missing');
    expect(paths['/api/projects/{id}/verify'].post.responses).toHaveProperty('202');
  });

  it('is repaired by verify, as is a corrupted one, and the operation reports the counts', async () => {
    const id = await imported('lost-verify');
    await h.blobs.delete(await blobShaOf(id, 'a.txt'));
    await corrupt(await blobShaOf(id, 'b.txt'), 'not bravo at all\n');
    const operation = await verify(id);
    expect(operation).toMatchObject({ status: 'succeeded', metadata: { checked: 3, missing: 1, corrupt: 1, repaired: 2 } });
    expect((await fileContent(id, 'a.txt')).body).toBe(FILES['a.txt']);
    expect((await fileContent(id, 'b.txt')).body).toBe(FILES['b.txt']);
    expect(await missingSince(await blobShaOf(id, 'a.txt'))).toBeNull();
    expect((await verify(id)).metadata).toMatchObject({ checked: 3, missing: 0, corrupt: 0, repaired: 0 });
  });
});
