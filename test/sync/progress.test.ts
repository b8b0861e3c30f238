import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness.js';

let h: SyncHarness;
beforeAll(async () => {
  h = await startSyncHarness();
});
afterAll(() => h.close());

const FILES = 300;

describe('progress of a running import', () => {
  it('shows through the status API while it runs, and never enters the workflow’s history', async () => {
    const files: Record<string, string> = { '.gitattributes': 'held.txt export-ignore\n', 'held.txt': 'left out of the archive\n' };
    for (let i = 0; i < FILES; i += 1) files[`docs/page-${i}.md`] = `# page ${i}\n`;
    await h.github.repos.create('octo', 'progress', {});
    await h.github.repos.commit('octo', 'progress', { message: 'many files', files });
    const { id } = await h.link('octo', 'progress');
    // The archive lacks held.txt, so the import fetches it by SHA; holding that answer back keeps
    // the import running, every archived file done, for as long as the test looks.
    const held = h.github.faults.add({ method: 'GET', path: '/repos/octo/progress/git/blobs', delayMs: 8_000, times: 1 });

    const started = await h.app.inject({ method: 'POST', url: `/api/projects/${id}/sync/initial`, headers: h.auth() });
    expect(started.statusCode, started.body).toBe(202);
    const { workflowId } = started.json();

    const deadline = Date.now() + 60_000;
    let seen: { status: string; phase: string | null; progress: { filesDone: number; filesTotal: number; bytesDone: number } | null } | undefined;
    while (Date.now() < deadline) {
      const status = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
      if (status.status === 'syncing' && held.hits > 0 && (status.progress?.filesDone ?? 0) >= FILES) {
        seen = status;
        break;
      }
      await sleep(200);
    }
    expect(seen, 'the status never showed the running import’s progress').toBeDefined();
    expect(seen).toMatchObject({ phase: 'fetching-missing', progress: { filesTotal: FILES + 2 } });
    expect(seen!.progress!.bytesDone).toBeGreaterThan(0);

    const handle = h.temporal.workflow.getHandle(workflowId);
    await handle.result();
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const signals = events.filter((event) => event.workflowExecutionSignaledEventAttributes);
    expect(signals).toEqual([]);
    // Bookkeeping, the head, the import and the search attributes: a handful of events, however long it ran.
    expect(events.length).toBeLessThan(60);
    const done = (await h.app.inject({ method: 'GET', url: `/api/projects/${id}/sync/status`, headers: h.auth() })).json();
    expect(done).toMatchObject({ status: 'synced', error: null });
  }, 120_000);
});
