import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { freePort } from '../../src/embedded/wait-for-port.js';
import { createS3BlobStore } from '../../src/storage/s3-blob-store.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

const harnesses: SyncHarness[] = [];
afterAll(() => Promise.all(harnesses.map((h) => h.close())));

async function syncAgainstOutage(options: Parameters<typeof startSyncHarness>[0], repo: string) {
  const h = await startSyncHarness({ env: { SYNC_MAX_ATTEMPTS: '2' }, ...options });
  harnesses.push(h);
  await h.github.repos.create('octo', repo, {});
  await h.github.repos.commit('octo', repo, { message: 'x', files: { 'a.md': '# a\n', 'b.txt': 'b\n' } });
  const { id } = await h.link('octo', repo);
  return { h, id, status: await h.initialSync(id) };
}

describe('InitialSync when our own storage is down', () => {
  it('retries, then fails with storage-unavailable, and makes nothing visible', async () => {
    // An S3 endpoint nothing listens on: every call is refused, like an outage.
    const deadStore = createS3BlobStore({
      config: { bucket: 'gone', endpoint: `http://127.0.0.1:${await freePort()}`, region: 'us-east-1', forcePathStyle: true, accessKeyId: 'a', secretAccessKey: 'b', requestTimeoutSeconds: 60 },
    });
    const { h, id, status } = await syncAgainstOutage({ workerBlobs: deadStore }, 'storage-outage');
    expect(status).toMatchObject({ status: 'failed', error: { code: 'storage-unavailable' } });
    const files = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files`, headers: h.auth() })).json();
    expect(files).toEqual({ commitSha: null, files: [], nextCursor: null });
    const operation = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations`, headers: h.auth() })).json().operations[0];
    expect(operation).toMatchObject({ status: 'failed', error: { code: 'storage-unavailable' } });
    await deadStore.close();
  }, 120_000);
});

describe('InitialSync when the database is down', () => {
  it('retries, then fails with database-unavailable, which the status still reports', async () => {
    const deadDb = await openDatabase({ url: `postgres://postgres@127.0.0.1:${await freePort()}/gone`, maxConnections: 1 });
    const { status } = await syncAgainstOutage({ workerDb: deadDb }, 'database-outage');
    // The worker could not record anything; the API reads the outcome from the workflow itself.
    expect(status).toMatchObject({ status: 'failed', error: { code: 'database-unavailable' } });
    await deadDb.destroy();
  }, 120_000);
});
