import { describe, expect, it } from 'vitest';
import { needsSyncRetry, retryDelayMs } from '../../src/sync/poll-retry.js';

const backoff = { baseMs: 60_000, maxMs: 60 * 60_000 };
const now = new Date('2026-11-30T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const synced = { last_remote_sha: 'b'.repeat(40), last_synced_sha: 'b'.repeat(40), sync_status: 'synced' as const, sync_error_code: null, sync_failures: 0, sync_started_at: ago(3_600_000), sync_completed_at: ago(3_590_000) };
const failedOnce = { ...synced, last_remote_sha: 'c'.repeat(40), sync_status: 'failed' as const, sync_error_code: 'not-found', sync_failures: 1 };

describe('when the poll retries a project whose head did not move', () => {
  it('leaves a project synced at the head alone', () => {
    expect(needsSyncRetry(synced, synced.last_remote_sha, now, backoff)).toBe(false);
  });

  it('retries a project behind its head, or failed, once the backoff has passed', () => {
    expect(needsSyncRetry(failedOnce, failedOnce.last_remote_sha, now, backoff)).toBe(true);
    expect(needsSyncRetry({ ...synced, last_remote_sha: 'c'.repeat(40) }, 'c'.repeat(40), now, backoff)).toBe(true);
    // Failed at the synced head (e.g. a branch deleted and restored): worth one more look.
    expect(needsSyncRetry({ ...failedOnce, last_remote_sha: synced.last_synced_sha }, synced.last_synced_sha, now, backoff)).toBe(true);
  });

  it('doubles the wait with every failure in a row, up to the cap', () => {
    expect([0, 1, 2, 3, 4].map((failures) => retryDelayMs(failures, backoff))).toEqual([60_000, 60_000, 120_000, 240_000, 480_000]);
    expect(retryDelayMs(30, backoff)).toBe(backoff.maxMs);
    const thirdFailure = { ...failedOnce, sync_failures: 3, sync_started_at: ago(200_000), sync_completed_at: ago(180_000) };
    expect(needsSyncRetry(thirdFailure, thirdFailure.last_remote_sha, now, backoff)).toBe(false);
    expect(needsSyncRetry(thirdFailure, thirdFailure.last_remote_sha, new Date(now.getTime() + 60_000), backoff)).toBe(true);
  });

  it('does not interrupt a sync that started within the backoff', () => {
    const running = { ...synced, last_remote_sha: 'c'.repeat(40), sync_status: 'syncing' as const, sync_started_at: ago(5_000), sync_completed_at: null };
    expect(needsSyncRetry(running, running.last_remote_sha, now, backoff)).toBe(false);
  });

  it('retries credential and outage failures, but not failures the same commit repeats', () => {
    for (const code of ['not-found', 'auth-failed', 'github-unavailable', 'storage-unavailable', 'database-unavailable', 'internal']) {
      expect(needsSyncRetry({ ...failedOnce, sync_error_code: code }, failedOnce.last_remote_sha, now, backoff), code).toBe(true);
    }
    for (const code of ['too-large', 'unsafe-archive', 'integrity-mismatch', 'invalid-input']) {
      expect(needsSyncRetry({ ...failedOnce, sync_error_code: code }, failedOnce.last_remote_sha, now, backoff), code).toBe(false);
    }
  });
});
