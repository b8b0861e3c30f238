import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { Project } from './projects.js';

/** The sync state a request found before marking the project pending, to put back if the request fails. */
export type SyncStateBefore = Pick<Project, 'id' | 'sync_status' | 'sync_error_code' | 'sync_error_message'>;

/**
 * The columns that mark a project's repository or branch as gone on GitHub. Written together
 * with the other repository columns a re-read changes (see projectRequestsRepository), in the
 * same statement, so the project never shows the new name with the old state or the reverse.
 */
export const notFoundOnGitHub = (message: string) => ({ sync_status: 'failed' as const, sync_error_code: 'not-found', sync_error_message: message });

/**
 * A project's inbound sync state (`sync_status` and the columns that go with it): every change
 * of state is one function here, so the status, its error and its times always move together.
 * Each takes the handle it is given, so it runs inside the caller's transaction where there is one.
 */
export function projectSyncStateRepository(db: Db) {
  return {
    /**
     * Marks the project pending before a sync is requested, unless one is already pending or
     * under way (whose own state must not be overwritten). Answers whether it marked it.
     */
    async markPending(projectId: string): Promise<boolean> {
      const marked = await db
        .updateTable('projects')
        .set({ sync_status: 'pending', sync_error_code: null, sync_error_message: null })
        .where('id', '=', projectId)
        .where('sync_status', 'not in', ['syncing', 'pending'])
        .executeTakeFirst();
      return marked.numUpdatedRows > 0n;
    },

    /** Puts back the state `markPending` replaced, when the sync it announced could not be requested. */
    async restore(before: SyncStateBefore): Promise<void> {
      await db.updateTable('projects').set({ sync_status: before.sync_status, sync_error_code: before.sync_error_code, sync_error_message: before.sync_error_message }).where('id', '=', before.id).execute();
    },

    /** A sync started: the last outcome and its error are cleared until this one ends. */
    async markSyncing(projectId: string, startedAt: Date): Promise<void> {
      await db
        .updateTable('projects')
        .set({ sync_status: 'syncing', sync_started_at: startedAt, sync_completed_at: null, sync_error_code: null, sync_error_message: null })
        .where('id', '=', projectId)
        .execute();
    },

    /**
     * A sync found the current snapshot already at the head: only its end is recorded (its start
     * cleared the error already), and the failures in a row end.
     */
    async markUpToDate(projectId: string): Promise<void> {
      await db.updateTable('projects').set({ sync_status: 'synced', sync_completed_at: sql<Date>`now()`, sync_failures: 0 }).where('id', '=', projectId).execute();
    },

    /**
     * A sync succeeded: the project points at `snapshotId` of `commitSha` (both null for an empty
     * repository), and the failures in a row end. `lastRemoteSha` records the head as well when
     * the caller knows it (our own outbound commit).
     */
    async markSynced(projectId: string, synced: { snapshotId: string | null; commitSha: string | null; lastRemoteSha?: string | undefined }): Promise<void> {
      await db
        .updateTable('projects')
        .set({
          current_snapshot_id: synced.snapshotId,
          last_synced_sha: synced.commitSha,
          sync_status: 'synced',
          sync_completed_at: sql<Date>`now()`,
          sync_error_code: null,
          sync_error_message: null,
          sync_failures: 0,
          ...(synced.lastRemoteSha !== undefined ? { last_remote_sha: synced.lastRemoteSha } : {}),
        })
        .where('id', '=', projectId)
        .execute();
    },

    /**
     * A sync ended without success. A cancelled one does not count as a failure in a row (someone
     * chose it), so the poll's retry backoff only grows with real failures.
     */
    async markEnded(projectId: string, ended: { status: 'failed' | 'cancelled'; code: string; message: string }): Promise<void> {
      await db
        .updateTable('projects')
        .set({
          sync_status: ended.status,
          sync_error_code: ended.code,
          sync_error_message: ended.message,
          sync_completed_at: sql<Date>`now()`,
          sync_failures: ended.status === 'cancelled' ? sql<number>`sync_failures` : sql<number>`sync_failures + 1`,
        })
        .where('id', '=', projectId)
        .execute();
    },
  };
}
