import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundSyncActivities } from '../../src/activities/outbound-sync.js';
import { createFilesystemBlobStore } from '../../src/storage/filesystem-blob-store.js';
import { createTestDatabase } from '../support/test-stack.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('commitOutbound', () => {
  it('stops heartbeating when it fails before reaching GitHub', async () => {
    const activities = createOutboundSyncActivities({
      db: database.db,
      blobs: createFilesystemBlobStore(path.join(os.tmpdir(), `reposync-heartbeat-${randomUUID()}`)),
      github: () => Promise.reject(new Error('never reached: the project does not exist')),
      githubApiUrl: 'http://127.0.0.1:9',
      log: { info: () => {}, warn: () => {} },
    });
    const env = new MockActivityEnvironment();
    let heartbeats = 0;
    env.on('heartbeat', () => (heartbeats += 1));

    await expect(env.run(activities.commitOutbound, { projectId: randomUUID(), operationId: randomUUID() })).rejects.toMatchObject({ type: 'not-found' });
    const afterFailure = heartbeats;
    // The activity's clock heartbeats every 2 s: a timer left behind would tick within this wait.
    await sleep(4_500);
    expect(heartbeats).toBe(afterFailure);
  }, 30_000);
});
