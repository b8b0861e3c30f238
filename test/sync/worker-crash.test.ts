import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { defaultPayloadConverter } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lsTree } from '../support/git-cli.js';
import type { FileEntry, FileList } from '../support/api-answers.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';
import { childRun } from '../support/child-run.js';

const run = promisify(execFile);
const FILES = 20_000;

let h: SyncHarness;

beforeAll(async () => {
  // A short heartbeat timeout, so each lost worker is noticed within seconds; three losses in a
  // row without progress end an import.
  h = await startSyncHarness({ inProcessWorker: false, env: { SYNC_HEARTBEAT_TIMEOUT_SECONDS: '3', SYNC_MAX_ATTEMPTS: '3' } });
});
afterAll(() => h.close());

async function status(projectId: string) {
  return (await h.app.inject({ method: 'GET', url: `/api/projects/${projectId}/sync/status`, headers: h.auth() })).json();
}

/** The tree the API lists for a project's current snapshot, path → blob SHA. */
async function listedFiles(projectId: string): Promise<Map<string, string>> {
  const listed = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const page: FileList = (await h.app.inject({ method: 'GET', url: `/api/projects/${projectId}/files?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: h.auth() })).json();
    for (const file of page.files) listed.set(file.path, file.sha);
    cursor = page.nextCursor;
  } while (cursor);
  return listed;
}

/** The running import attempt as Temporal sees it: its id and the checkpoint it last heartbeated. */
async function importAttempt(workflowId: string, runId: string): Promise<{ activityId: string; filesSaved: number } | undefined> {
  const description = await h.temporal.workflow.getHandle(workflowId, runId).describe();
  const pending = description.raw.pendingActivities?.find((activity) => activity.activityType?.name === 'importSnapshot');
  const payload = pending?.heartbeatDetails?.payloads?.[0];
  if (!pending?.activityId || !payload) return undefined;
  const details = defaultPayloadConverter.fromPayload<{ filesSaved?: number } | undefined>(payload);
  return typeof details?.filesSaved === 'number' ? { activityId: pending.activityId, filesSaved: details.filesSaved } : undefined;
}

/**
 * Serves the repository's archive over a link that takes `seconds` to deliver all of it, as a
 * slow link to GitHub would: an import of small files is otherwise over before a kill lands.
 */
async function slowLink(repo: string, sha: string, seconds: number) {
  const { stdout } = await run('git', ['archive', '--format=zip', sha], { cwd: h.github.repos.path('octo', repo), encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return h.github.faults.add({ path: new RegExp(`/octo/${repo}/legacy\\.zip/`), bytesPerSecond: Math.ceil(stdout.length / seconds) });
}

describe('a worker killed mid-import', () => {
  it('resumes on a restarted worker from where it was and ends with exactly the right snapshot', async () => {
    await h.github.repos.create('octo', 'big', {});
    const files: Record<string, string> = {};
    for (let i = 0; i < 6000; i += 1) files[`pkg-${i % 50}/module-${i}.ts`] = `export const value${i} = ${i};\n// ${'padding '.repeat(i % 40)}\n`;
    const { sha } = await h.github.repos.commit('octo', 'big', { message: 'many files', files });
    const { id } = await h.link('octo', 'big');
    const link = await slowLink('big', sha, 20);

    const first = h.startWorkerProcess();
    const since = new Date();
    const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    const { workflowId } = started.json();
    const syncId = (await childRun(h.temporal, workflowId, since)).runId;

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
    link.remove();

    const final = await status(id);
    expect(final).toMatchObject({ status: 'synced', lastSyncedCommitSha: sha, error: null });
    const truth = await lsTree(h.github.repos.path('octo', 'big'), sha);
    const listed: FileEntry[] = [];
    let cursor: string | null = null;
    do {
      const page: FileList = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/files?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: h.auth() })).json();
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
    const imports = history.events?.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'importSnapshot');
    expect(imports?.length).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('survives nine worker deaths in one import, each restart resuming from the work saved before it', async () => {
    // Only the workers this test starts may run the import.
    await h.killWorkerProcesses();
    await h.github.repos.create('octo', 'deploys', {});
    // Enough files that nine rounds fit on an idle machine: the test sees a checkpoint only when a
    // heartbeat is recorded (about every 2.4 s at a 3 s timeout), by which time an idle worker has
    // saved ~1,200 more files, so 6,000 files ran out before the ninth kill.
    // Committed 5,000 files at a time: the emulator writes a commit's blobs all at once.
    let sha = '';
    for (let from = 0; from < FILES; from += 5_000) {
      const files: Record<string, string> = {};
      for (let i = from; i < from + 5_000; i += 1) files[`dir-${i % 80}/file-${i}.txt`] = `line ${i}\n${'x'.repeat(i % 300)}\n`;
      ({ sha } = await h.github.repos.commit('octo', 'deploys', { message: `files from ${from}`, files }));
    }
    const { id } = await h.link('octo', 'deploys');
    // Packed small files import far faster than nine kills (each seeing a new saved checkpoint,
    // heartbeated every ~2.4 s) take: the archive comes over a link that takes 80 s for all of it.
    const link = await slowLink('deploys', sha, 80);

    let worker = h.startWorkerProcess();
    const since = new Date();
    const { workflowId } = (await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() })).json();
    const syncId = (await childRun(h.temporal, workflowId, since)).runId;
    const result = h.temporal.workflow.getHandle(workflowId, syncId).result();
    result.catch(() => {});

    // Each round: wait until the running attempt has checkpointed more saved work than the one
    // killed before it, then SIGKILL its worker (no cleanup of any kind) and start another.
    let savedAtLastKill = 0;
    let killedAttempt: string | undefined;
    const checkpointsAtKill: number[] = [];
    const resumedFrom: number[] = [];
    for (let kill = 0; kill < 9; kill += 1) {
      let firstSeen: number | undefined;
      const deadline = Date.now() + 120_000;
      for (;;) {
        expect(Date.now(), `round ${kill}: no new progress`).toBeLessThan(deadline);
        const attempt = await importAttempt(workflowId, syncId);
        if (attempt && attempt.activityId !== killedAttempt) {
          firstSeen ??= attempt.filesSaved;
          if (attempt.filesSaved > savedAtLastKill) {
            killedAttempt = attempt.activityId;
            savedAtLastKill = attempt.filesSaved;
            break;
          }
        }
        await sleep(100);
      }
      if (kill > 0) resumedFrom.push(firstSeen!);
      checkpointsAtKill.push(savedAtLastKill);
      worker.kill('SIGKILL');
      await new Promise((resolve) => worker.once('exit', resolve));
      expect(savedAtLastKill).toBeLessThan(FILES);
      worker = h.startWorkerProcess();
    }

    await result;
    link.remove();
    expect(await status(id)).toMatchObject({ status: 'synced', lastSyncedCommitSha: sha, error: null });
    const truth = await lsTree(h.github.repos.path('octo', 'deploys'), sha);
    const listed = await listedFiles(id);
    expect(listed.size).toBe(truth.size);
    for (const [path, blob] of listed) expect(blob).toBe(truth.get(path)?.sha);
    // Every restarted attempt began from the rows saved before the kill, never from file 1.
    expect(resumedFrom).toHaveLength(8);
    resumedFrom.forEach((start, round) => expect(start).toBeGreaterThanOrEqual(checkpointsAtKill[round]!));
  }, 480_000);

  it('fails with worker-lost once workers keep dying without saving any more of the import', async () => {
    await h.killWorkerProcesses();
    await h.github.repos.create('octo', 'crash-loop', {});
    await h.github.repos.commit('octo', 'crash-loop', { message: 'x', files: { 'README.md': '# crash loop\n' } });
    const { id } = await h.link('octo', 'crash-loop');
    // The archive never arrives in time: no attempt saves a single file before its worker dies.
    const stuck = h.github.faults.add({ path: /\/octo\/crash-loop\/legacy\.zip\//, delayMs: 60_000 });

    let worker = h.startWorkerProcess();
    const since = new Date();
    const { workflowId } = (await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() })).json();
    const syncId = (await childRun(h.temporal, workflowId, since)).runId;
    const handle = h.temporal.workflow.getHandle(workflowId, syncId);
    const ended = handle.result().then(() => 'completed', () => 'failed');
    let killedAttempt: string | undefined;
    // The first loss shows where the import stands; three more without progress end it.
    for (let kill = 0; kill < 6; kill += 1) {
      const deadline = Date.now() + 120_000;
      let attempt = await importAttempt(workflowId, syncId);
      while (!attempt || attempt.activityId === killedAttempt) {
        expect(Date.now(), `kill ${kill}: no new attempt`).toBeLessThan(deadline);
        if ((await handle.describe()).status.name !== 'RUNNING') break;
        await sleep(100);
        attempt = await importAttempt(workflowId, syncId);
      }
      if (!attempt || attempt.activityId === killedAttempt) break;
      killedAttempt = attempt.activityId;
      worker.kill('SIGKILL');
      await new Promise((resolve) => worker.once('exit', resolve));
      worker = h.startWorkerProcess();
    }
    expect(await ended).toBe('failed');
    stuck.remove();
    expect(await status(id)).toMatchObject({ status: 'failed', error: { code: 'worker-lost', message: expect.stringMatching(/importSnapshot lost its worker/) } });
  }, 240_000);
});
