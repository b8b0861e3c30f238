import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetadataSyncResult } from '../../src/shared/metadata-sync.js';
import { startMetadataSync } from '../../src/temporal/metadata-sync.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;

beforeAll(async () => {
  // The production worker as processes of their own, so one can be killed mid-phase.
  h = await startSyncHarness({ inProcessWorker: false });
});
afterAll(() => h.close());

const count = async (table: 'issues' | 'comments', projectId: string) =>
  Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow()).n);

describe('a worker killed during MetadataSync', () => {
  it('resumes the phase on another worker from the stored pages and ends with every row once', async () => {
    await h.github.repos.create('octo', 'killed-meta');
    await h.github.repos.commit('octo', 'killed-meta', { message: 'initial', files: { 'a.txt': 'a\n' } });
    await h.github.repos.seedIssues('octo', 'killed-meta', { issues: 300, commentsPerIssue: 10 });
    const { id } = await h.link('octo', 'killed-meta');
    // Each page of comments is slow, so the comments phase is mid-listing when the worker dies.
    const slow = h.github.faults.add({ method: 'GET', path: '/repos/octo/killed-meta/issues/comments', delayMs: 400 });

    h.startWorkerProcess();
    const { workflowId } = await startMetadataSync(h.temporal, h.config, id);
    const deadline = Date.now() + 60_000;
    while ((await count('comments', id)) < 500 && Date.now() < deadline) await sleep(50);
    const beforeKill = await count('comments', id);
    expect(beforeKill).toBeGreaterThanOrEqual(500);
    expect(beforeKill).toBeLessThan(3_000);
    await h.killWorkerProcesses();
    // What the killed attempt stored stays, with its cursor, until the phase goes on.
    expect(await count('comments', id)).toBe(beforeKill);
    const state = await h.db.selectFrom('sync_states').selectAll().where('project_id', '=', id).where('phase', '=', 'comments').executeTakeFirstOrThrow();
    expect(state.cursor).not.toBeNull();
    expect(state.etag).toBeNull();

    slow.remove();
    h.startWorkerProcess();
    const result = (await h.temporal.workflow.getHandle(workflowId).result()) as MetadataSyncResult;
    expect(result.phases.map((phase) => phase.phase)).toContain('comments');
    expect(await count('issues', id)).toBe(300);
    expect(await count('comments', id)).toBe(3_000);
    const duplicates = await h.db
      .selectFrom('comments')
      .select(['github_id'])
      .where('project_id', '=', id)
      .groupBy(['kind', 'github_id'])
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    expect(duplicates).toEqual([]);
  }, 120_000);
});
