import type { Db } from '../db/connection.js';
import { projectSyncStateRepository } from '../db/repositories/project-sync-state.js';
import { snapshotsRepository } from '../db/repositories/snapshots.js';
import { syncOperationsRepository } from '../db/repositories/sync-operations.js';
import { withDatabase } from './outage.js';

export interface SnapshotCompletion {
  projectId: string;
  operationId: string;
  snapshotId: string;
  commitSha: string;
  beforeSha: string | null;
  counts: { added: number; modified: number; removed: number };
  bytesUploaded: number;
  apiRequests: number;
  metadata: Record<string, unknown>;
}

/**
 * Makes a filled snapshot current, in one transaction with the project's sync columns and the
 * operation's outcome: readers see the old tree or the new one, never half of it.
 */
export async function completeSnapshot(db: Db, completion: SnapshotCompletion): Promise<{ files: number; skipped: number }> {
  const { projectId, operationId, snapshotId, commitSha } = completion;
  return withDatabase(() =>
    db.transaction().execute(async (trx) => {
      const totals = await makeSnapshotCurrent(trx, { projectId, snapshotId, commitSha });
      await syncOperationsRepository(trx).finish(operationId, {
        status: 'succeeded',
        before_sha: completion.beforeSha,
        after_sha: commitSha,
        files_added: completion.counts.added,
        files_modified: completion.counts.modified,
        files_removed: completion.counts.removed,
        files_skipped: totals.skipped,
        bytes: completion.bytesUploaded,
        apiRequestsDelta: completion.apiRequests,
        metadata: JSON.stringify(completion.metadata),
      });
      return { files: totals.files, skipped: totals.skipped };
    }),
  );
}

/**
 * Seals a filled snapshot (its totals) and points the project at it as synced, inside the
 * caller's transaction. `lastRemoteSha` records the head too, when the caller knows it.
 */
export async function makeSnapshotCurrent(
  trx: Db,
  target: { projectId: string; snapshotId: string; commitSha: string; lastRemoteSha?: string },
): Promise<{ files: number; bytes: number; skipped: number }> {
  const snapshots = snapshotsRepository(trx);
  const totals = await snapshots.totals(target.snapshotId);
  await snapshots.seal(target.snapshotId, totals);
  const { projectId, snapshotId, commitSha, lastRemoteSha } = target;
  await projectSyncStateRepository(trx).markSynced(projectId, { snapshotId, commitSha, lastRemoteSha });
  return totals;
}
