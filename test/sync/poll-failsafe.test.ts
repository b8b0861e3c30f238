import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePollSchedule, pollScheduleId } from '../../src/temporal/poll-schedule.js';
import type { ProjectView } from '../support/api-answers.js';
import { importRepository } from '../support/import-repository.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { until } from '../support/until.js';

const SECRET = 'poll-webhook-secret';
const INTERVAL_SECONDS = 3;
let h: SyncHarness;
let apiUrl: string;

beforeAll(async () => {
  // Metadata syncs off: these tests count every request the poll makes for a repository.
  h = await startSyncHarness({ env: { GITHUB_WEBHOOK_SECRET: SECRET, POLL_INTERVAL_SECONDS: String(INTERVAL_SECONDS), METADATA_POLL_INTERVAL_SECONDS: '0' }, pollSchedule: true });
  apiUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h.close());

const importedRepository = (name: string, { webhook = true } = {}) => importRepository(h, name, { 'a.txt': 'a\n' }, webhook ? { webhook: { apiUrl, secret: SECRET } } : {});

async function sync(id: string): Promise<ProjectView['sync']> {
  return (await h.app.inject({ method: 'GET', url: `/api/projects/${id}`, headers: h.auth() })).json<ProjectView>().sync;
}

async function lastSyncedSha(id: string): Promise<string | null> {
  return (await sync(id)).lastSyncedSha;
}

describe('the polling failsafe', () => {
  it('is a Temporal Schedule on the configured interval, created idempotently', async () => {
    // Every worker calls it at start: a second call updates the one Schedule in place.
    expect(await ensurePollSchedule(h.temporal, h.config)).toBe('updated');
    const description = await h.temporal.schedule.getHandle(pollScheduleId(h.config.temporal.taskQueue)).describe();
    expect(description.spec.intervals).toEqual([expect.objectContaining({ every: INTERVAL_SECONDS * 1000 })]);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'pollProjects' });
    expect(description.policies.overlap).toBe('SKIP');
  });

  it('catches a push whose webhook was dropped, within one interval', async () => {
    const id = await importedRepository('dropped');
    h.github.webhooks.faults.drop(1, 'push');
    const { sha } = await h.github.repos.commit('octo', 'dropped', { message: 'unannounced', files: { 'b.txt': 'b\n' } });
    const dropped = h.github.webhooks.list({ event: 'push' }).filter((delivery) => delivery.dropped && (delivery.payload as { after?: string }).after === sha);
    expect(dropped).toHaveLength(1);
    // One interval (plus its jitter and the sync itself) is all it may take.
    const deadline = Date.now() + (INTERVAL_SECONDS + 10) * 1000;
    while ((await lastSyncedSha(id)) !== sha && Date.now() < deadline) await sleep(200);
    expect(await lastSyncedSha(id)).toBe(sha);
    // No delivery reached the API: the poll is what found it.
    const deliveries = await h.db.selectFrom('webhook_deliveries').select('delivery_id').where('project_id', '=', id).where('event', '=', 'push').execute();
    expect(deliveries).toEqual([]);
  }, 60_000);

  it('costs one conditional request per poll for an unchanged project, answered 304', async () => {
    const id = await importedRepository('unchanged');
    const branchPath = '/repos/octo/unchanged/branches/main';
    // The first poll after the import stores the ETag; from then on every poll is a 304.
    const deadline = Date.now() + (INTERVAL_SECONDS * 3 + 10) * 1000;
    while (!(await h.db.selectFrom('projects').select('branch_etag').where('id', '=', id).executeTakeFirstOrThrow()).branch_etag && Date.now() < deadline) await sleep(200);
    h.github.requests.clear();
    await sleep((INTERVAL_SECONDS * 2 + 1) * 1000);
    const requests = h.github.requests.filter('/repos/octo/unchanged');
    expect(requests.length).toBeGreaterThanOrEqual(1);
    expect(requests.length).toBeLessThanOrEqual(3);
    for (const request of requests) expect(request).toMatchObject({ method: 'GET', path: branchPath, status: 304, cost: 0 });
    expect(await lastSyncedSha(id)).not.toBeNull();
  }, 60_000);

  it('retries a sync that failed on a briefly missing blob until the project is synced at the new head, by polls alone', async () => {
    const id = await importedRepository('flaky', { webhook: false });
    const missing = h.github.faults.add({ method: 'GET', path: /^\/repos\/octo\/flaky\/git\/blobs\//, status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/git/blobs#get-a-blob' } });
    const { sha } = await h.github.repos.commit('octo', 'flaky', { message: 'unannounced', files: { 'b.txt': 'b\n' } });
    // The poll finds the moved head; its sync fails on the blob GitHub does not serve.
    const failed = await until(() => sync(id), (s) => s.status === 'failed', 'the failed sync', (INTERVAL_SECONDS + 15) * 1000);
    expect(failed.error).toMatchObject({ code: 'not-found' });
    expect(missing.hits).toBeGreaterThan(0);
    missing.remove();
    // The head does not move again and no one calls POST /sync: the poll alone must retry.
    const synced = await until(() => sync(id), (s) => s.status === 'synced' && s.lastSyncedSha === sha, 'the retried sync', (INTERVAL_SECONDS * 6 + 15) * 1000);
    expect(synced.error).toBeNull();
    const row = await h.db.selectFrom('projects').select(['last_remote_sha', 'sync_failures']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ last_remote_sha: sha, sync_failures: 0 });
  }, 90_000);
  // Last: it switches the poll off for the rest of this file.
  it('restarts the running poll when its settings change, and stops it when the poll is switched off', async () => {
    const schedule = h.temporal.schedule.getHandle(pollScheduleId(h.config.temporal.taskQueue));
    const runningPolls = async () => (await schedule.describe()).info.runningActions.map((action) => action.workflow.workflowId);
    const [before] = await until(runningPolls, (ids) => ids.length === 1, 'a running poll', 30_000);

    expect(await ensurePollSchedule(h.temporal, { ...h.config, poll: { ...h.config.poll, intervalSeconds: INTERVAL_SECONDS + 1 } })).toBe('updated');
    expect((await h.temporal.workflow.getHandle(before!).describe()).status.name).toBe('TERMINATED');
    const [after] = await until(runningPolls, (ids) => ids.length === 1 && ids[0] !== before, 'the restarted poll', 30_000);
    expect((await schedule.describe()).action).toMatchObject({ args: [expect.objectContaining({ intervalMs: (INTERVAL_SECONDS + 1) * 1000 })] });
    // The same settings again leave the running poll alone.
    expect(await ensurePollSchedule(h.temporal, { ...h.config, poll: { ...h.config.poll, intervalSeconds: INTERVAL_SECONDS + 1 } })).toBe('updated');
    expect((await h.temporal.workflow.getHandle(after!).describe()).status.name).toBe('RUNNING');

    expect(await ensurePollSchedule(h.temporal, { ...h.config, poll: { ...h.config.poll, intervalSeconds: 0 } })).toBe('disabled');
    expect((await h.temporal.workflow.getHandle(after!).describe()).status.name).toBe('TERMINATED');
    await expect(schedule.describe()).rejects.toThrow(/not found/i);
  }, 90_000);
});
