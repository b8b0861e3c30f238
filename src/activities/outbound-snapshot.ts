import type { Db } from '../db/connection.js';
import type { OutboundChange } from '../db/repositories/outbound-changes.js';
import { projectsRepository } from '../db/repositories/projects.js';
import { snapshotsRepository } from '../db/repositories/snapshots.js';
import { makeSnapshotCurrent } from './complete-snapshot.js';

export interface LandedCommit {
  commitSha: string;
  treeSha: string;
  parentSha: string;
}

/**
 * Makes our own commit the current snapshot when it sits right on top of the current one: the
 * old rows, minus the changed paths, plus the changed files (their blobs are already stored),
 * in one transaction with the project's pointer — so the push webhook GitHub sends for the commit
 * finds the snapshot already there and imports nothing. A commit built on a head we have not
 * imported is left to the next incremental sync, which then only fetches the remote changes.
 */
export async function moveSnapshotToOutboundCommit(db: Db, projectId: string, landed: LandedCommit, changes: OutboundChange[]): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const currentId = await projectsRepository(trx).lockCurrentSnapshot(projectId);
    if (!currentId) return false;
    const snapshots = snapshotsRepository(trx);
    const current = await snapshots.findById(currentId);
    if (!current) return false;
    if (current.commit_sha === landed.commitSha) return true;
    if (current.commit_sha !== landed.parentSha) return false;

    const snapshot = await snapshots.openForCommit(projectId, landed.commitSha, landed.treeSha, current.filter_key);
    // The rows carry over with the filter they were classified under; a sync re-applies a newer one.
    const changed = changes.map((change) => change.path);
    await snapshots.copyFilesExcept(current.id, snapshot.id, changed);
    await snapshots.addFiles(
      changes
        .filter((change) => change.blob_sha !== null)
        .map((change) => ({
          snapshot_id: snapshot.id,
          path: change.path,
          kind: change.mode === '120000' ? 'symlink' : 'file',
          mode: change.mode ?? '100644',
          sha: change.blob_sha!,
          size: change.size,
          is_text: change.is_text,
          editable: change.editable,
          lfs_pointer: change.lfs_pointer,
          skip_reason: change.skip_reason,
          warning: change.warning,
        })),
    );
    await makeSnapshotCurrent(trx, { projectId, snapshotId: snapshot.id, commitSha: landed.commitSha, lastRemoteSha: landed.commitSha });
    return true;
  });
}
