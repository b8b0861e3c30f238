import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSearchAttributes, searchAttributes } from '../../src/shared/search-attributes.js';
import { ensurePollSchedule, pollScheduleId } from '../../src/temporal/poll-schedule.js';
import { checkSearchAttributes, missingSearchAttributes } from '../../src/temporal/search-attribute-check.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness({ env: { SYNC_MAX_ATTEMPTS: '2' } });
});
afterAll(() => h.close());

/** Visibility is eventually consistent: lists until `check` holds or the time is up. */
async function listUntil(query: string, check: (runs: WorkflowExecutionInfo[]) => boolean, timeoutMs = 15_000): Promise<WorkflowExecutionInfo[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs: WorkflowExecutionInfo[] = [];
    for await (const run of h.temporal.workflow.list({ query })) runs.push(run);
    if (check(runs) || Date.now() > deadline) return runs;
    await sleep(250);
  }
}

async function tenantOf(projectId: string): Promise<string> {
  const row = await h.db.selectFrom('projects').select('tenant_id').where('id', '=', projectId).executeTakeFirstOrThrow();
  return row.tenant_id;
}

async function labelsOf(workflowId: string) {
  const description = await h.temporal.workflow.getHandle(workflowId).describe();
  const attributes = description.typedSearchAttributes;
  return {
    projectId: attributes.get(searchAttributes.projectId),
    tenantId: attributes.get(searchAttributes.tenantId),
    repository: attributes.get(searchAttributes.repository),
    syncKind: attributes.get(searchAttributes.syncKind),
    syncPhase: attributes.get(searchAttributes.syncPhase),
    lastErrorCode: attributes.get(searchAttributes.lastErrorCode),
    summary: await description.staticSummary(),
  };
}

describe('workflows are findable in the Temporal UI', () => {
  it('runs on a Temporal server that knows every search attribute the workflows set', async () => {
    const { customAttributes } = await h.temporal.connection.operatorService.listSearchAttributes({ namespace: h.config.temporal.namespace });
    expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(allSearchAttributes.map(({ name }) => name)));
  });

  it('finds exactly the failed import of a tenant by its error code, and labels every run with project, tenant, repository and kind', async () => {
    await h.github.repos.create('octo', 'findable', { defaultBranch: 'trunk' });
    await h.github.repos.commit('octo', 'findable', { branch: 'trunk', message: 'initial', files: { 'a.txt': 'a\n' } });
    const synced = await h.link('octo', 'findable');
    const missing = await h.link('octo', 'vanished', { branch: 'main' });
    expect((await h.initialSync(synced.id)).status).toBe('synced');
    expect((await h.initialSync(missing.id)).error?.code).toBe('not-found');
    const tenantId = await tenantOf(missing.id);
    expect(await tenantOf(synced.id)).toBe(tenantId);

    const failed = await listUntil(`TenantId = '${tenantId}' AND LastErrorCode = 'not-found'`, (runs) => runs.length > 0);
    expect(failed.map((run) => run.workflowId)).toEqual([`initial-sync/${missing.id}`]);
    const imports = await listUntil(`TenantId = '${tenantId}' AND SyncKind = 'initial'`, (runs) => runs.length >= 2);
    expect(imports.map((run) => run.workflowId).sort()).toEqual([`initial-sync/${missing.id}`, `initial-sync/${synced.id}`].sort());

    expect(await labelsOf(`initial-sync/${missing.id}`)).toEqual({
      projectId: missing.id, tenantId, repository: 'octo/vanished', syncKind: 'initial', syncPhase: 'failed', lastErrorCode: 'not-found', summary: 'octo/vanished@main',
    });
    // The default branch is read at import: the project's first run only knows the repository.
    expect(await labelsOf(`initial-sync/${synced.id}`)).toEqual({
      projectId: synced.id, tenantId, repository: 'octo/findable', syncKind: 'initial', syncPhase: 'completed', lastErrorCode: undefined, summary: 'octo/findable',
    });
    expect(await labelsOf(`incremental-sync/${synced.id}`)).toMatchObject({ projectId: synced.id, tenantId, repository: 'octo/findable', syncKind: 'incremental', syncPhase: 'idle', lastErrorCode: undefined, summary: 'octo/findable' });
  }, 60_000);

  it('records the failure code of a sync that follows the branch on the writer, and clears it once one succeeds', async () => {
    await h.github.repos.create('octo', 'follows', { defaultBranch: 'trunk' });
    await h.github.repos.commit('octo', 'follows', { branch: 'trunk', message: 'initial', files: { 'a.txt': 'a\n' } });
    const { id } = await h.link('octo', 'follows');
    expect((await h.initialSync(id)).status).toBe('synced');
    const writer = `incremental-sync/${id}`;
    // The run that served the import ends, so the next request starts a fresh one labelled anew.
    await h.temporal.workflow.getHandle(writer).result();

    // The followed branch disappears: the writer's own sync fails with not-found.
    await h.db.updateTable('projects').set({ branch: 'gone' }).where('id', '=', id).execute();
    const failing = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync`, headers: h.auth() });
    expect(failing.statusCode).toBe(202);
    const deadline = Date.now() + 15_000;
    while ((await labelsOf(writer)).lastErrorCode !== 'not-found' && Date.now() < deadline) await sleep(50);
    expect(await labelsOf(writer)).toMatchObject({ syncKind: 'incremental', lastErrorCode: 'not-found', summary: 'octo/follows@gone' });

    // Within the same run (it lingers for more work), a sync that succeeds clears the code.
    await h.db.updateTable('projects').set({ branch: null }).where('id', '=', id).execute();
    const succeeding = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync`, headers: h.auth() });
    expect(succeeding.json().syncId).toBe(failing.json().syncId);
    await h.temporal.workflow.getHandle(writer, failing.json().syncId).result();
    expect(await labelsOf(writer)).toMatchObject({ syncPhase: 'idle', lastErrorCode: undefined });
  }, 60_000);

  it('labels the polling failsafe as kind poll, with a summary', async () => {
    await ensurePollSchedule(h.temporal, { ...h.config, poll: { intervalSeconds: 3600, concurrency: 1, metadataIntervalSeconds: 0 } });
    const schedule = h.temporal.schedule.getHandle(pollScheduleId(h.config.temporal.taskQueue));
    try {
      await schedule.trigger();
      const runs = await listUntil(`SyncKind = 'poll' AND TaskQueue = '${h.config.temporal.taskQueue}'`, (found) => found.length > 0);
      expect(runs).toHaveLength(1);
      expect(await labelsOf(runs[0]!.workflowId)).toMatchObject({ syncKind: 'poll', summary: expect.stringMatching(/^poll every enabled project's branch head, every 3600 s$/) });
    } finally {
      await schedule.delete();
    }
  }, 30_000);
});

describe('a Temporal cluster reposync did not set up', () => {
  it('stops the worker at start, naming the missing search attributes and the commands that register them', async () => {
    const namespace = `bare-${randomUUID()}`;
    await h.temporal.connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const names = allSearchAttributes.map(({ name }) => name);
    expect(await missingSearchAttributes(h.temporal, namespace)).toEqual(names);

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { env: { ...h.workerProcessEnv(), TEMPORAL_NAMESPACE: namespace }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain(`Temporal namespace ${namespace} lacks the search attributes ${names.join(', ')}`);
    for (const name of names) expect(stderr).toContain(`temporal operator search-attribute create --namespace ${namespace} --name ${name} --type Keyword`);
  }, 60_000);

  it('lets a worker start on a namespace that has every one', async () => {
    expect(await missingSearchAttributes(h.temporal, h.config.temporal.namespace)).toEqual([]);
    const warnings: string[] = [];
    await checkSearchAttributes(h.temporal, h.config.temporal.namespace, { warn: (_fields, message) => void warnings.push(message) });
    expect(warnings).toEqual([]);
  });
});
