import { Context } from '@temporalio/activity';
import { collectGarbage } from '../gc/collect-garbage.js';
import { garbageStoreFor } from '../gc/garbage-store-adapter.js';
import type { GarbageCollectionInput, GarbageCollectionResult } from '../shared/garbage-collection.js';
import type { ActivityDeps } from './deps.js';
import { guardBlobStore } from './outage.js';
import { SYNC_STALL_MS, withHeartbeat } from './progress-heartbeat.js';

const HOUR_MS = 60 * 60 * 1000;

/** The scheduled garbage collection's one activity: a whole collector run, heartbeating per step. */
export function createGarbageCollectionActivities(deps: ActivityDeps) {
  const { db, log } = deps;
  return {
    async collectGarbage(input: GarbageCollectionInput): Promise<GarbageCollectionResult> {
      const store = garbageStoreFor(guardBlobStore(deps.blobs));
      const report = await withHeartbeat(Context.current(), { stallMs: SYNC_STALL_MS }, (beat) =>
        collectGarbage(db, store, { graceMs: input.graceHours * HOUR_MS, keepSnapshots: input.keepSnapshots, onProgress: (step) => beat.progressed(step) }),
      );
      if (!report) {
        log.info('garbage collection skipped: another collector is running');
        return { skipped: true, ...emptyReport() };
      }
      log.info('garbage collection finished', { ...report });
      return { skipped: false, ...report };
    },
  };
}

function emptyReport(): Omit<GarbageCollectionResult, 'skipped'> {
  return { snapshotsPruned: 0, blobRowsRemoved: 0, objectsDeleted: 0, packsRetired: 0, packsRewritten: 0, blobsMoved: 0, packsDeleted: 0, bytesFreed: 0, blobsMarkedMissing: 0, requests: { list: 0, get: 0, put: 0, delete: 0 } };
}
