import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lsTree } from '../support/git-cli.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness({ inProcessWorker: false });
});
afterAll(() => h.close());

async function status(projectId: string) {
  return (await h.app.inject({ method: 'GET', url: `/api/projects/${projectId}/sync/status`, headers: h.auth() })).json();
}

describe('a worker killed mid-import', () => {
  it('resumes on a restarted worker from where it was and ends with exactly the right snapshot', async () => {
    await h.github.repos.create('octo', 'big', {});
    const files: Record<string, string> = {};
    for (let i = 0; i < 6000; i += 1) files[`pkg-${i % 50}/module-${i}.ts`] = `export const value${i} = ${i};\n// ${'padding '.repeat(i % 40)}\n`;
    const { sha } = await h.github.repos.commit('octo', 'big', { message: 'many files', files });
    const { id } = await h.link('octo', 'big');

    const first = h.startWorkerProcess();
    const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    const { workflowId, syncId } = started.json();

    // Kill it with SIGKILL (no cleanup of any kind) once the import is well under way.
    let progressAtKill = 0;
    for (let i = 0; i < 600; i += 1) {
      const live = await status(id);
      progressAtKill = live.progress?.filesDone ?? 0;
      if (progressAtKill >= 500) break;
      await sleep(50);
    }
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(progressAtKill).toBeGreaterThanOrEqual(500);
    expect(progressAtKill).toBeLessThan(6000);
    // Still shown as running, not stuck: Temporal will hand the activity to another worker.
    expect((await status(id)).status).toBe('syncing');

    h.startWorkerProcess();
    await h.temporal.workflow.getHandle(workflowId, syncId).result();

    const final = await status(id);
    expect(final).toMatchObject({ status: 'synced', lastSyncedCommitSha: sha, error: null });
    const truth = await lsTree(h.github.repos.path('octo', 'big'), sha);
    const listed: Array<{ path: string; sha: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { files: Array<{ path: string; sha: string }>; nextCursor: string | null } = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: h.auth() })).json();
      listed.push(...page.files);
      cursor = page.nextCursor;
    } while (cursor);
    expect(listed.length).toBe(truth.size);
    for (const file of listed) expect(file.sha).toBe(truth.get(file.path)?.sha);

    // One operation for the run, succeeded; the resumed attempt kept the first attempt's work.
    const operations = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations`, headers: h.auth() })).json().operations;
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ status: 'succeeded', runId: syncId });
    const history = await h.temporal.workflow.getHandle(workflowId, syncId).fetchHistory();
    const attempts = history.events?.filter((event) => event.activityTaskStartedEventAttributes).map((event) => event.activityTaskStartedEventAttributes!.attempt ?? 1);
    expect(Math.max(...(attempts ?? [1]))).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
