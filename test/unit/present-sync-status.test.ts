import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { presentSyncStatus } from '../../src/api/presenters/sync-status.js';
import type { LiveSync } from '../../src/temporal/live-sync-status.js';
import type { Project } from '../../src/db/repositories/projects.js';
import type { SyncStatusView } from '../../src/shared/sync-status.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const WORKFLOW_ID = 'incremental-sync/p1';

/** The columns the status reads; the rest of a project row plays no part. */
function project(overrides: Partial<Project> = {}): Project {
  return {
    sync_status: 'synced',
    last_synced_sha: 'a'.repeat(40),
    sync_started_at: new Date('2026-03-01T11:00:00.000Z'),
    sync_completed_at: new Date('2026-03-01T11:05:00.000Z'),
    sync_error_code: null,
    sync_error_message: null,
    ...overrides,
  } as Project;
}

function view(overrides: Partial<SyncStatusView> = {}): SyncStatusView {
  return {
    kind: 'initial',
    phase: 'streaming',
    operationId: 'op-1',
    commitSha: 'b'.repeat(40),
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    currentPath: null,
    // Sixty seconds before NOW.
    startedAt: '2026-03-01T11:59:00.000Z',
    lastError: null,
    ...overrides,
  };
}

const running = (sync: Partial<SyncStatusView>): LiveSync => ({ workflowId: WORKFLOW_ID, running: true, view: view(sync) });

describe('presentSyncStatus', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('answers from the database when no sync workflow exists', () => {
    expect(presentSyncStatus(project({ sync_status: 'failed', sync_error_code: 'not-found', sync_error_message: 'octo/gone is gone' }), undefined)).toEqual({
      status: 'failed',
      phase: null,
      workflowId: null,
      operationId: null,
      progress: null,
      error: { code: 'not-found', message: 'octo/gone is gone' },
      lastSyncedCommitSha: 'a'.repeat(40),
      syncStartedAt: '2026-03-01T11:00:00.000Z',
      syncCompletedAt: '2026-03-01T11:05:00.000Z',
    });
  });

  it('gives an error code the database kept without a message an empty message', () => {
    expect(presentSyncStatus(project({ sync_status: 'failed', sync_error_code: 'internal' }), undefined).error).toEqual({ code: 'internal', message: '' });
  });

  it('names a running workflow that no worker answers for, keeping the database status', () => {
    const status = presentSyncStatus(project({ sync_status: 'syncing', sync_completed_at: null }), { workflowId: WORKFLOW_ID, running: true });
    expect(status).toMatchObject({ status: 'syncing', workflowId: WORKFLOW_ID, phase: null, progress: null, error: null, syncCompletedAt: null });
  });

  it('names no workflow once the latest one has closed', () => {
    expect(presentSyncStatus(project(), { workflowId: WORKFLOW_ID, running: false, closedAs: 'COMPLETED' })).toMatchObject({ status: 'synced', workflowId: null });
  });

  it.each(['syncing', 'pending'] as const)('shows a sync the database still calls %s as failed, with the failure the workflow closed with', (recorded) => {
    const failure = { code: 'internal', message: 'the sync workflow ended as TERMINATED before recording a result' };
    const status = presentSyncStatus(project({ sync_status: recorded }), { workflowId: WORKFLOW_ID, running: false, closedAs: 'TERMINATED', failure });
    expect(status).toMatchObject({ status: 'failed', workflowId: WORKFLOW_ID, phase: null, operationId: null, progress: null, error: failure });
  });

  it('keeps what the database recorded when a closed workflow failed but the project has moved on', () => {
    const failure = { code: 'internal', message: 'ended as TIMED_OUT' };
    expect(presentSyncStatus(project({ sync_status: 'synced' }), { workflowId: WORKFLOW_ID, running: false, closedAs: 'TIMED_OUT', failure })).toMatchObject({ status: 'synced', workflowId: null, error: null });
  });

  it("shows a running sync's own view: progress by bytes, and the time left at the pace so far", () => {
    const status = presentSyncStatus(project(), running({ filesDone: 10, filesTotal: 100, bytesDone: 250, bytesTotal: 1_000, currentPath: 'src/a.ts' }));
    expect(status).toEqual({
      status: 'syncing',
      phase: 'streaming',
      workflowId: WORKFLOW_ID,
      operationId: 'op-1',
      lastSyncedCommitSha: 'a'.repeat(40),
      // The running sync's start, not the last one the database recorded.
      syncStartedAt: '2026-03-01T11:59:00.000Z',
      syncCompletedAt: '2026-03-01T11:05:00.000Z',
      // A quarter done in 60 s: 180 s to go.
      progress: { filesDone: 10, filesTotal: 100, bytesDone: 250, bytesTotal: 1_000, percent: 25, currentPath: 'src/a.ts', etaSeconds: 180 },
      error: null,
    });
  });

  it('counts progress by files while the byte total is unknown, to a tenth of a percent', () => {
    expect(presentSyncStatus(project(), running({ filesDone: 1, filesTotal: 3 })).progress).toMatchObject({ percent: 33.3, etaSeconds: 120 });
  });

  it('gives no time left before a hundredth of the work is done, nor once all of it is', () => {
    expect(presentSyncStatus(project(), running({ bytesDone: 10, bytesTotal: 1_000 })).progress).toMatchObject({ percent: 1, etaSeconds: null });
    expect(presentSyncStatus(project(), running({})).progress).toMatchObject({ percent: 0, etaSeconds: null });
    expect(presentSyncStatus(project(), running({ phase: 'finishing', bytesDone: 1_000, bytesTotal: 1_000 })).progress).toMatchObject({ percent: 100, etaSeconds: null });
  });

  it("maps the view's phase to the status: completed is synced, failed is failed with the sync's error", () => {
    expect(presentSyncStatus(project({ sync_status: 'syncing' }), running({ phase: 'completed' })).status).toBe('synced');
    const lastError = { code: 'too-large' as const, message: 'big.bin is 3 GiB' };
    expect(presentSyncStatus(project({ sync_status: 'syncing' }), running({ phase: 'failed', lastError }))).toMatchObject({ status: 'failed', phase: 'failed', error: lastError });
    expect(presentSyncStatus(project({ sync_status: 'synced' }), running({ phase: 'resolving' })).status).toBe('syncing');
  });
});
