import type { Db } from '../db/connection.js';
import { blobsRepository } from '../db/repositories/blobs.js';
import { garbageRepository, type PackLiveness } from '../db/repositories/garbage.js';
import { BlobIntegrityError } from '../storage/blob-store.js';
import { OpenPack } from '../storage/open-pack.js';
import type { GarbageCollectionResult } from '../shared/garbage-collection.js';
import type { GarbageStore, StoredObject } from './garbage-store.js';

export interface CollectGarbageOptions {
  /** Nothing written or reused more recently than this is removed (a running import may need it). */
  graceMs: number;
  /** Complete snapshots kept per project, the current one included; 0 keeps them all. */
  keepSnapshots: number;
  /** A pack whose live bytes are below this share of its size is rewritten with only those. */
  repackBelow?: number;
  now?: () => Date;
  /** Called between steps and batches (the scheduled run heartbeats from it). */
  onProgress?: (step: string) => void;
}

/** What one collection removed, and the object-store requests it made. */
export type GarbageReport = Omit<GarbageCollectionResult, 'skipped'>;

/** Objects checked against the index per query. */
const INVENTORY_BATCH = 1000;

/**
 * Collects what no snapshot references, in an order that never loses what something still needs:
 *
 * 1. snapshots past the retention policy are pruned (never a project's current one);
 * 2. index rows of blobs nothing refers to and no writer touched within the grace period go;
 * 3. a pack nothing points into any more is retired; one mostly garbage is rewritten with its live
 *    blobs (verified against their SHAs), the blobs moved in one transaction, and then retired;
 * 4. packs retired a grace period ago are deleted — a reader that located a blob in one has long
 *    read it;
 * 5. objects the index does not know (blobs whose rows were removed, packs whose upload never got
 *    recorded) are deleted once older than the grace period. An object written again meanwhile is
 *    newer than that and stays; a blob indexed again while its object was being deleted is marked
 *    missing, so the next import or verify stores it again.
 *
 * Only one collector runs at a time (a lease in PostgreSQL); another resolves undefined.
 */
export async function collectGarbage(db: Db, store: GarbageStore, options: CollectGarbageOptions): Promise<GarbageReport | undefined> {
  const garbage = garbageRepository(db);
  return garbage.exclusively(() => collect(db, store, options));
}

async function collect(db: Db, store: GarbageStore, options: CollectGarbageOptions): Promise<GarbageReport> {
  const { graceMs, keepSnapshots, repackBelow = 0.5, now = () => new Date(), onProgress = () => {} } = options;
  const garbage = garbageRepository(db);
  const cutoff = new Date(now().getTime() - graceMs);
  const report: GarbageReport = {
    snapshotsPruned: 0,
    blobRowsRemoved: 0,
    objectsDeleted: 0,
    packsRetired: 0,
    packsRewritten: 0,
    blobsMoved: 0,
    packsDeleted: 0,
    bytesFreed: 0,
    blobsMarkedMissing: 0,
    requests: store.requests,
  };

  onProgress('pruning snapshots');
  report.snapshotsPruned = await garbage.pruneSnapshots(keepSnapshots, cutoff);

  onProgress('removing unreferenced blob rows');
  report.blobRowsRemoved = await garbage.sweepUnreferencedBlobs(cutoff);

  onProgress('retiring and rewriting packs');
  for (const pack of await garbage.packLiveness(cutoff)) {
    onProgress(`pack ${pack.key}`);
    if (pack.liveBlobs === 0) {
      if (await garbage.retireIfEmpty(pack.key)) report.packsRetired += 1;
    } else if (pack.liveBytes < pack.size * repackBelow) {
      const moved = await rewritePack(db, store, pack);
      report.packsRewritten += 1;
      report.blobsMoved += moved;
    }
  }

  onProgress('deleting retired packs');
  for (const pack of await garbage.retiredPacksBefore(cutoff)) {
    if (!(await garbage.forgetRetiredPack(pack.key))) continue;
    await store.deletePack(pack.key);
    report.bytesFreed += pack.size;
    report.packsDeleted += 1;
  }

  onProgress('deleting objects the index does not know');
  let batch: StoredObject[] = [];
  for await (const object of store.inventory()) {
    if (object.modifiedAt >= cutoff) continue;
    batch.push(object);
    if (batch.length >= INVENTORY_BATCH) {
      await deleteUnknown(db, store, batch, report);
      onProgress('deleting objects the index does not know');
      batch = [];
    }
  }
  await deleteUnknown(db, store, batch, report);
  return report;
}

/** Copies a pack's live blobs, verified, into a new pack and points them there. */
async function rewritePack(db: Db, store: GarbageStore, pack: PackLiveness): Promise<number> {
  const garbage = garbageRepository(db);
  const body = await store.readPack(pack.key, pack.size);
  const rewritten = new OpenPack();
  // A blob whose bytes in the pack are wrong is not carried over: marked missing, it is fetched
  // again by the next import or verify of a project that has it.
  const broken: Array<{ sha: string; size: number }> = [];
  for (const place of await garbage.blobsInPack(pack.key)) {
    try {
      rewritten.add(place.sha, body.subarray(place.offset, place.offset + place.size));
    } catch (error) {
      if (!(error instanceof BlobIntegrityError)) throw error;
      broken.push(place);
    }
  }
  if (broken.length > 0) await blobsRepository(db).markMissing(broken);
  await store.writePack(rewritten);
  return garbage.recordRepack(pack.key, { key: rewritten.key, size: rewritten.size, blobs: rewritten.entries });
}

/** Deletes the objects among `batch` the index does not know, then re-checks the blobs deleted. */
async function deleteUnknown(db: Db, store: GarbageStore, batch: StoredObject[], report: GarbageReport): Promise<void> {
  if (batch.length === 0) return;
  const garbage = garbageRepository(db);
  const blobs = batch.filter((object) => object.kind === 'blob');
  const packs = batch.filter((object) => object.kind === 'pack');
  const indexed = await garbage.indexedShas(blobs.map((object) => object.name));
  const recorded = await garbage.recordedPacks(packs.map((object) => object.name));
  const deletedBlobs: Array<{ sha: string; size: number }> = [];
  for (const object of blobs) {
    if (indexed.has(object.name)) continue;
    await store.deleteBlob(object.name);
    deletedBlobs.push({ sha: object.name, size: object.size });
    report.objectsDeleted += 1;
    report.bytesFreed += object.size;
  }
  for (const object of packs) {
    if (recorded.has(object.name)) continue;
    await store.deletePack(object.name);
    report.packsDeleted += 1;
    report.bytesFreed += object.size;
  }
  // A writer that found the blob unknown may have stored and indexed it again while it was being
  // deleted: its row now points at nothing, so it is marked missing and stored again when needed.
  const reindexed = await garbage.indexedShas(deletedBlobs.map((blob) => blob.sha));
  if (reindexed.size > 0) {
    await blobsRepository(db).markMissing(deletedBlobs.filter((blob) => reindexed.has(blob.sha)));
    report.blobsMarkedMissing += reindexed.size;
  }
}
