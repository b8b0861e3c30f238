import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { createGitHubClients } from '../../src/github/project-client.js';
import { incrementalSyncWorkflowId } from '../../src/shared/workflow-ids.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(() => h.close());

const silent = { info: () => {}, warn: () => {} };

/** The poll's activities as the worker builds them, signalling through the given Temporal client. */
function pollActivities(temporal: Client) {
  return createActivities({
    db: h.db,
    blobs: h.blobs,
    github: createGitHubClients({ config: h.config.github, secrets: h.secrets }),
    githubApiUrl: h.config.github.apiUrl,
    temporal,
    log: silent,
  });
}

/** A Temporal client whose connection is gone: every signal fails as it does while the server is unreachable. */
async function unreachableTemporal(): Promise<Client> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  await connection.close();
  return new Client({ connection, namespace: h.config.temporal.namespace });
}

/** One whole round of the poll, begun an interval ago so that every project is due at once. */
async function pollOnce(temporal: Client) {
  const activities = pollActivities(temporal);
  const environment = new MockActivityEnvironment();
  const taskQueue = `poll-once-${randomUUID()}`;
  const intervalMs = 1_000;
  await environment.run(activities.claimPollCursor, { taskQueue, owner: 'this test', intervalMs });
  const cursor = { roundStartedAt: new Date(Date.now() - intervalMs).toISOString(), after: null };
  const writer = { taskQueue: h.config.temporal.taskQueue, maximumAttempts: 3 };
  return environment.run(activities.pollStretch, { taskQueue, owner: 'this test', cursor, intervalMs, stretchMs: 60_000, pageSize: 100, concurrency: 1, retryBaseMs: 1_000, writer });
}

describe('the poll when signalling fails', () => {
  it('stores neither the ETag nor the head until the signal went out, so the next poll signals again', async () => {
    await h.github.repos.create('octo', 'unsignalled', {});
    const initial = await h.github.repos.commit('octo', 'unsignalled', { message: 'initial', files: { 'a.txt': 'a\n' } });
    const { id } = await h.link('octo', 'unsignalled');
    expect((await h.initialSync(id)).status).toBe('synced');
    const { sha } = await h.github.repos.commit('octo', 'unsignalled', { message: 'unannounced', files: { 'b.txt': 'b\n' } });

    const lost = await pollOnce(await unreachableTemporal());
    expect(lost).toMatchObject({ checked: 1, moved: 0, failed: 1 });
    const untouched = await h.db.selectFrom('projects').select(['branch_etag', 'last_remote_sha']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(untouched).toEqual({ branch_etag: null, last_remote_sha: initial.sha });

    const delivered = await pollOnce(h.temporal);
    expect(delivered).toMatchObject({ checked: 1, moved: 1, failed: 0 });
    await h.temporal.workflow.getHandle(incrementalSyncWorkflowId(id)).result();
    const row = await h.db.selectFrom('projects').select(['branch_etag', 'last_remote_sha', 'last_synced_sha', 'sync_status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ branch_etag: expect.any(String), last_remote_sha: sha, last_synced_sha: sha, sync_status: 'synced' });
  }, 60_000);
});
