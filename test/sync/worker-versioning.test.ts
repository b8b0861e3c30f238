import { WorkflowNotFoundError } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClients } from '../../src/github/project-client.js';
import { buildIdOf, currentBuildId, makeCurrentVersion } from '../../src/temporal/deployment-version.js';
import { createWorkers, stopWorkers } from '../../src/worker.js';
import { childRun } from '../support/child-run.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { uniqueName } from '../support/test-stack.js';
import { until } from '../support/until.js';

const DEPLOYMENT = uniqueName('reposync-versioning');
const { VERSIONING_BEHAVIOR_PINNED } = proto.api.enums.v1.VersioningBehavior;
const { PENDING_ACTIVITY_STATE_STARTED } = proto.api.enums.v1.PendingActivityState;
let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness({ env: { TEMPORAL_DEPLOYMENT_NAME: DEPLOYMENT, TEMPORAL_WORKER_BUILD_ID: 'v1', TEMPORAL_SET_CURRENT_VERSION: 'always' } });
});
afterAll(() => h.close());

async function repository(name: string) {
  await h.github.repos.create('octo', name, {});
  await h.github.repos.commit('octo', name, { message: 'initial', files: { 'a.txt': `${name}\n` } });
  return (await h.link('octo', name)).id;
}

async function startImport(id: string): Promise<string> {
  const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
  expect(started.statusCode, started.body).toBe(202);
  return started.json().workflowId;
}

/** The version a run is on, and how it is routed. */
async function versioningOf(workflowId: string) {
  const { raw } = await h.temporal.workflow.getHandle(workflowId).describe();
  const info = raw.workflowExecutionInfo?.versioningInfo;
  return { buildId: info?.deploymentVersion?.buildId ?? null, behavior: info?.behavior ?? null };
}

async function importStarted(workflowId: string): Promise<boolean> {
  // Requests are accepted at once: the child starts when the writer takes the request up.
  const described = await h.temporal.workflow.getHandle(workflowId).describe().catch((error: unknown) => {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  });
  if (!described) return false;
  const { raw } = described;
  return raw.pendingActivities?.some((activity) => activity.activityType?.name === 'importSnapshot' && activity.state === PENDING_ACTIVITY_STATE_STARTED) ?? false;
}

describe('worker deployment versions', () => {
  it('derives the build id from the workflow bundle: the package version and a hash of its content', () => {
    expect(buildIdOf('export const a = 1;')).toMatch(/^\d+\.\d+\.\d+-[0-9a-f]{12}$/);
    expect(buildIdOf('export const a = 1;')).toBe(buildIdOf('export const a = 1;'));
    expect(buildIdOf('export const a = 2;')).not.toBe(buildIdOf('export const a = 1;'));
  });

  it('keeps a run on the version that started it while new runs go to the version made current (a rolling deploy)', async () => {
    expect(await currentBuildId(h.temporal, 'default', DEPLOYMENT)).toBe('v1');
    // A slow import starts on v1.
    const old = await repository('old');
    h.github.faults.add({ path: '/octo/old/legacy.zip', delayMs: 5_000, times: 1 });
    const oldImport = await startImport(old);
    await until(() => importStarted(oldImport), Boolean, 'the v1 import to be streaming');

    // v2 joins the same task queues and becomes current, as `temporal worker deployment set-current-version` would make it.
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const v2 = await createWorkers({
      connection,
      namespace: 'default',
      taskQueue: h.config.temporal.taskQueue,
      workflowBundlePath: inject('workflowBundlePath'),
      activities: { db: h.db, blobs: h.blobs, github: createGitHubClients({ config: h.config.github, secrets: h.secrets }), githubApiUrl: h.config.github.apiUrl, temporal: h.temporal, log: { info: () => {}, warn: () => {} } },
      streamingActivitySlots: 2,
      versioning: { ...h.config.temporal.versioning, buildId: 'v2' },
      options: { shutdownGraceTime: '2 seconds' },
    });
    const v2Run = v2.run();
    try {
      expect(await makeCurrentVersion(h.temporal, 'default', v2.version, 'always')).toBe(true);
      expect(await currentBuildId(h.temporal, 'default', DEPLOYMENT)).toBe('v2');

      const fresh = await repository('fresh');
      const since = new Date();
      const freshImport = await startImport(fresh);
      await (await childRun(h.temporal, freshImport, since)).result();
      expect(await versioningOf(freshImport)).toEqual({ buildId: 'v2', behavior: VERSIONING_BEHAVIOR_PINNED });

      // The v1 run finishes where it started, on v1, and ends synced.
      await h.temporal.workflow.getHandle(oldImport).result();
      expect(await versioningOf(oldImport)).toEqual({ buildId: 'v1', behavior: VERSIONING_BEHAVIOR_PINNED });
      for (const id of [old, fresh]) {
        const status = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
        expect(status.status).toBe('synced');
      }
    } finally {
      await stopWorkers(v2, v2Run);
      await connection.close();
    }
  }, 90_000);
});
