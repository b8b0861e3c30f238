import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/connection.js';
import { outboundChangesRepository } from '../db/repositories/outbound-changes.js';
import type { Project } from '../db/repositories/projects.js';
import { snapshotsRepository } from '../db/repositories/snapshots.js';
import { syncOperationsRepository } from '../db/repositories/sync-operations.js';
import type { OutboundFileMode, SyncMode } from '../shared/outbound-sync.js';
import { outboundSyncWorkflowId } from '../shared/workflow-ids.js';
import type { BlobStore } from '../storage/blob-store.js';
import { resolveFilter } from '../sync/file-filter.js';
import { requestOutboundSync } from '../temporal/project-writer.js';
import type { OutboundRequest } from './outbound-request.js';
import { storeChangeContents } from './store-change-contents.js';
import { ChangeValidationError, validateChanges, type RequestedChange } from './validate-changes.js';

export interface OutboundRequestDeps {
  db: Db;
  blobs: BlobStore;
  temporal: Client;
  config: Pick<Config, 'temporal' | 'syncMaxAttempts' | 'syncHeartbeatTimeoutSeconds'>;
  log: { info(fields: object, message: string): void };
}

/** An edit as the caller sends it; `mode` defaults to the project's sync mode. */
export interface OutboundEdit {
  message: string;
  changes: RequestedChange[];
  mode?: SyncMode;
  author?: { name: string; email: string };
}

/** A project whose initial import has finished: only such a project has a base to edit. */
export type SyncedProject = Project & { current_snapshot_id: string; last_synced_sha: string };

export interface RecordedOutbound {
  operationId: string;
  workflowId: string;
  warnings: string[];
}

/**
 * Checks the edit, stores its contents content-addressed, records the operation and its changes,
 * and only then asks the project's writer to run OutboundSync — so the workflow carries ids, not
 * file contents, and a rejected request changes nothing. Bad input throws ChangeValidationError.
 */
export async function recordOutboundRequest(deps: OutboundRequestDeps, project: SyncedProject, edit: OutboundEdit): Promise<RecordedOutbound> {
  const { db, temporal, config, log } = deps;
  const changes = validateChanges(edit.changes, resolveFilter(project.filter));

  // The edit's base: what our snapshot holds for these paths (deletions must exist; modes carry over).
  const snapshotId = project.current_snapshot_id;
  const base = await snapshotsRepository(db).entriesAt(snapshotId, changes.map((change) => change.path));
  const existing = new Map(base.map((row) => [row.path, row.mode]));
  changes.forEach((change, index) => {
    if (change.delete && !existing.has(change.path)) throw new ChangeValidationError(`changes[${index}].path`, `${change.path} is not in the project's current snapshot, so it cannot be deleted`);
  });

  // Contents first: a request that fails later leaves only blobs nobody points at.
  const contents = changes.filter((change) => !change.delete);
  await storeChangeContents(deps, contents);

  const operationId = randomUUID();
  const workflowId = outboundSyncWorkflowId(project.id, operationId);
  const warnings = contents.flatMap((change) => (change.warning ? [`${change.path}: ${change.warning}`] : []));
  const outbound: OutboundRequest = {
    message: edit.message,
    mode: edit.mode ?? project.sync_mode,
    author: edit.author ?? null,
    baseSha: project.last_synced_sha,
    baseSnapshotId: snapshotId,
    requestedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  await db.transaction().execute(async (trx) => {
    await syncOperationsRepository(trx).createPending({
      id: operationId,
      projectId: project.id,
      kind: 'outbound',
      direction: 'outbound',
      workflowId,
      beforeSha: project.last_synced_sha,
      metadata: { request: outbound, files: changes.length, warnings },
    });
    await outboundChangesRepository(trx).add(
      changes.map((change, position) =>
        change.delete
          ? { operation_id: operationId, position, path: change.path, blob_sha: null, mode: null, skip_reason: null, warning: null }
          : {
              operation_id: operationId,
              position,
              path: change.path,
              blob_sha: change.sha,
              mode: change.mode ?? keptMode(existing.get(change.path)),
              size: change.content.length,
              is_text: change.isText,
              editable: change.editable,
              lfs_pointer: change.lfsPointer,
              skip_reason: change.skipReason,
              warning: change.warning,
            },
      ),
    );
  });

  try {
    // The project's writer runs it as soon as any sync in progress ends.
    // Accepted at once; OutboundSync records its run id on the operation when it starts.
    await requestOutboundSync(temporal, db, config, project, operationId);
  } catch (error) {
    await syncOperationsRepository(db).finish(operationId, { status: 'failed', error_code: 'internal', error_message: `could not start OutboundSync: ${(error as Error).message}` });
    throw error;
  }
  log.info({ projectId: project.id, operationId, files: changes.length, mode: outbound.mode }, 'outbound sync requested');
  return { operationId, workflowId, warnings };
}

/** An edit without a mode keeps the path's (a symlink or an executable stays one); new paths are regular files. */
function keptMode(mode: string | undefined): OutboundFileMode {
  return mode === '100755' || mode === '120000' ? mode : '100644';
}
