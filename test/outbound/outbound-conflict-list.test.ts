import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundSyncResult } from '../../src/shared/outbound-sync.js';
import { childRun } from '../support/child-run.js';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(() => h.close());

const PATHS = 150;

describe('an outbound edit with more conflicting paths than a workflow payload carries', () => {
  it('carries the count and the first 100 in the workflow, and serves every path from the API', async () => {
    const paths = Array.from({ length: PATHS }, (_, i) => `docs/page-${String(i).padStart(3, '0')}.md`);
    await h.github.repos.create('octo', 'many-conflicts', {});
    await h.github.repos.commit('octo', 'many-conflicts', { message: 'ours', files: Object.fromEntries(paths.map((path) => [path, 'base\n'])) });
    const { id } = await h.link('octo', 'many-conflicts');
    expect(await h.initialSync(id)).toMatchObject({ status: 'synced' });
    // Every path changes on GitHub after the import, and here too: all of them conflict.
    await h.github.repos.commit('octo', 'many-conflicts', { message: 'theirs', files: Object.fromEntries(paths.map((path) => [path, 'theirs\n'])) });

    const since = new Date();
    const accepted = await h.app.inject({
      method: 'POST',
      url: `/api/projects/${id}/outbound`,
      headers: h.auth(),
      payload: { message: 'ours', mode: 'hybrid', changes: paths.map((path) => ({ path, content: 'ours\n' })) },
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
    const { operationId, workflowId } = accepted.json();
    // Accepted at once: the child starts when the writer takes the request up.
    const result = (await (await childRun(h.temporal, workflowId, since)).result()) as OutboundSyncResult;

    expect(result.outcome).toMatchObject({ kind: 'pull-request', reason: 'conflict', conflictCount: PATHS });
    const carried = result.outcome.kind === 'pull-request' ? result.outcome.conflicts : [];
    expect(carried).toHaveLength(100);
    expect(new Set(carried).size).toBe(100);
    expect(carried.filter((path) => !paths.includes(path))).toEqual([]);

    let operation = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations/${operationId}`, headers: h.auth() })).json();
    for (let tries = 0; operation.status !== 'succeeded' && tries < 50; tries += 1) {
      await sleep(100);
      operation = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/operations/${operationId}`, headers: h.auth() })).json();
    }
    expect(operation.status).toBe('succeeded');
    expect([...operation.metadata.conflicts].sort()).toEqual(paths);
    const status = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
    expect(status.lastOutbound).toMatchObject({ operationId, status: 'succeeded' });
    expect([...status.lastOutbound.conflicts].sort()).toEqual(paths);
  }, 180_000);
});
