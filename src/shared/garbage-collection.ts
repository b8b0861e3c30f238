/** What the scheduled garbage collection is started with (see src/gc/collect-garbage.ts). */
export interface GarbageCollectionInput {
  graceHours: number;
  keepSnapshots: number;
}

/** What one run removed; `skipped` when another collector was running. */
export interface GarbageCollectionResult {
  skipped: boolean;
  snapshotsPruned: number;
  blobRowsRemoved: number;
  objectsDeleted: number;
  packsRetired: number;
  packsRewritten: number;
  blobsMoved: number;
  packsDeleted: number;
  bytesFreed: number;
  /** Blobs a writer stored again while their old object was being deleted: marked for restore. */
  blobsMarkedMissing: number;
  /** Object-store requests the run made, by kind. */
  requests: { list: number; get: number; put: number; delete: number };
}
