import { Readable } from 'node:stream';
import type { NewSnapshotFile } from '../db/repositories/snapshots.js';
import type { TreeEntry } from '../github/recursive-tree.js';
import { checkBlob } from '../storage/check-blob.js';
import { BlobIntegrityError, type BlobStore } from '../storage/blob-store.js';
import { drainRest } from './drain-rest.js';
import { classifyPath, isLfsPointer, looksBinary, resolveFilter, SNIFF_BYTES } from './file-filter.js';
import { findAbsentBlobs } from './find-absent-blobs.js';
import type { ImportBlobIndex, ImportCommitOptions, ImportManifest, ImportProgress, ImportResult } from './import-types.js';
import { pagesOf } from './import-tree.js';
import { IntegrityMismatchError } from './integrity-mismatch-error.js';
import { PackWriter } from './pack-writer.js';
import { prependHead } from './prepend-head.js';
import { readAll } from './read-all.js';
import { readHead } from './read-head.js';
import { restoreBlobs, type LostBlob } from './restore-blobs.js';
import { TREE_WINDOW_ENTRIES, TreeWindow } from './tree-window.js';
import { UploadPool } from './upload-pool.js';
import { readZipEntries } from './zip-entries.js';

/** Blobs smaller than this are read whole and uploaded in the background; larger ones stream. */
const BACKGROUND_UPLOAD_MAX_BYTES = 4 * 1024 * 1024;
/**
 * Manifest rows are saved every MANIFEST_FLUSH_ROWS files or MANIFEST_FLUSH_MS, whichever comes
 * first, so a worker killed mid-import loses at most that much work: the next attempt resumes
 * from the saved rows.
 */
const MANIFEST_FLUSH_ROWS = 200;
const MANIFEST_FLUSH_MS = 2_000;
/**
 * Blobs under this size go into packs instead of objects of their own: one PUT per pack rather
 * than per file, which is what bounds a small-file import's speed and its cost on object storage.
 */
const PACK_BLOB_MAX_BYTES = 1024 * 1024;
/** A pack is sealed and uploaded once it holds this much... */
const PACK_TARGET_BYTES = 16 * 1024 * 1024;
/**
 * ...or once it has been open this long. Its files' rows wait for it, so this keeps the work a
 * killed worker loses to about what the manifest flush cadence loses, at the price of a few
 * smaller packs.
 */
const PACK_MAX_OPEN_MS = MANIFEST_FLUSH_MS;

/**
 * Fills the snapshot of one commit: every tree entry gets a manifest row, and every stored file's
 * bytes land in the blob store verified against the tree's SHA. The zipball is the fast
 * path for bytes; what it lacks or changed (.gitattributes export-ignore, export-subst, eol) is
 * fetched by SHA from the blobs API. Rows already in the snapshot (an earlier attempt's work) are
 * kept, so a retried or resumed import only does what is left.
 */
export async function importCommit(options: ImportCommitOptions): Promise<ImportResult> {
  const { manifest: snapshots, blobIndex, blobs, sources, snapshotId, tree, uploadConcurrency = 16, packTargetBytes = PACK_TARGET_BYTES, useArchive = true, verifyWritten = false, onProgress = () => {}, signal } = options;
  const filter = resolveFilter(options.filter);
  const window = new TreeWindow({ tree, manifest: snapshots, blobIndex, blobs, snapshotId });

  // The index says what was stored, not what still is: the blobs of rows already written are checked first.
  const lost = verifyWritten ? await findLostBlobs(blobs, blobIndex, snapshots, snapshotId) : [];
  if (lost.length > 0) await blobIndex.markMissing(lost);
  const totals = await tree.totals();
  const alreadyWritten = await snapshots.writtenCount(snapshotId);
  const result: ImportResult = { filesStored: 0, blobsUploaded: 0, bytesUploaded: 0, fetchedOutsideArchive: [], blobsRestored: 0 };
  const progress: ImportProgress = {
    phase: 'streaming',
    filesDone: alreadyWritten,
    filesSaved: alreadyWritten,
    filesTotal: totals.files,
    bytesDone: 0,
    bytesTotal: totals.bytes,
    currentPath: null,
  };

  // Where this attempt starts: the rows an earlier attempt saved.
  onProgress(progress);

  const pendingRows: NewSnapshotFile[] = [];
  const pendingBlobs: Array<{ sha: string; size: number }> = [];
  let flushedAt = Date.now();
  async function flush(): Promise<void> {
    flushedAt = Date.now();
    const rows = pendingRows.splice(0);
    const stored = pendingBlobs.splice(0);
    await blobIndex.record(stored);
    window.recorded(stored.map((blob) => blob.sha));
    await snapshots.addFiles(rows);
    window.saved(rows.map((row) => row.path));
    progress.filesSaved += rows.length;
    onProgress(progress);
  }
  function flushIsDue(): boolean {
    return pendingRows.length >= MANIFEST_FLUSH_ROWS || (pendingRows.length > 0 && Date.now() - flushedAt >= MANIFEST_FLUSH_MS);
  }
  const uploads = new UploadPool(uploadConcurrency);
  const packs = new PackWriter({
    blobs,
    index: blobIndex,
    uploads,
    onDurable: (rows) => pendingRows.push(...rows),
    targetBytes: packTargetBytes,
    maxOpenMs: PACK_MAX_OPEN_MS,
  });
  function finish(entry: TreeEntry, row: Omit<NewSnapshotFile, 'snapshot_id' | 'path' | 'mode' | 'sha' | 'size' | 'kind'>): void {
    // A row naming a blob in a pack not yet durable is saved with that pack, not before.
    (packs.rowsWaitingOn(entry.sha) ?? pendingRows).push({ snapshot_id: snapshotId, path: entry.path, mode: entry.mode, sha: entry.sha, size: entry.size, kind: kindOf(entry), ...row });
    window.finished(entry.path);
    progress.filesDone += 1;
    progress.bytesDone += entry.size;
    progress.currentPath = entry.path;
    onProgress(progress);
  }

  // Entries decided by path, mode and size alone need no bytes; what is left needs them.
  let undone = 0;
  for await (const page of pagesOf(tree, TREE_WINDOW_ENTRIES)) {
    await window.show(page, page.length < TREE_WINDOW_ENTRIES);
    for (const entry of page) {
      if (window.isDone(entry.path)) continue;
      if (entry.type === 'commit') {
        finish(entry, { is_text: false, editable: false, lfs_pointer: false, skip_reason: null, warning: null });
        continue;
      }
      const verdict = classifyPath(entry.path, entry.size, filter);
      // Content never read, so not known to be text.
      if (verdict.skipReason) finish(entry, { is_text: false, editable: false, lfs_pointer: false, skip_reason: verdict.skipReason, warning: verdict.warning });
      else undone += 1;
    }
    if (flushIsDue()) await flush();
  }

  /** What the first bytes say about a file: binary (not stored), LFS pointer, and its row flags. */
  function describeContent(entry: TreeEntry, head: Buffer) {
    const lfs = isLfsPointer(head, entry.size);
    const binary = entry.mode !== '120000' && !lfs && looksBinary(head);
    const verdict = classifyPath(entry.path, entry.size, filter);
    return { binary, row: { is_text: !binary, editable: verdict.editable && !binary, lfs_pointer: lfs, warning: verdict.warning } };
  }

  /** Reads an entry's content: sniffs it, stores it unless binary, records its row. */
  async function take(entry: TreeEntry, body: Readable | Buffer): Promise<'stored' | 'mismatch'> {
    if (Buffer.isBuffer(body)) return takeWhole(entry, body);
    const { head, rest } = await readHead(body, SNIFF_BYTES);
    const { binary, row } = describeContent(entry, head);
    if (binary || window.isKnown(entry.sha)) {
      // A binary is not stored, so not verified: nothing of it is kept but the tree's facts.
      await drainRest(rest);
      finish(entry, { ...row, skip_reason: binary ? 'binary-content' : null });
      return 'stored';
    }
    const content = Readable.from(prependHead(head, rest));
    if (entry.size <= BACKGROUND_UPLOAD_MAX_BYTES) {
      const bytes = await readAll(content, entry.size);
      return bytes === undefined ? 'mismatch' : takeWhole(entry, bytes);
    }
    try {
      await storeBlob(entry, content);
      finish(entry, { ...row, skip_reason: null });
      return 'stored';
    } catch (error) {
      if (error instanceof BlobIntegrityError) return 'mismatch';
      throw error;
    }
  }

  /** The same for content in memory: the upload runs in the background while reading goes on. */
  async function takeWhole(entry: TreeEntry, content: Buffer): Promise<'stored' | 'mismatch'> {
    const { binary, row } = describeContent(entry, content.subarray(0, SNIFF_BYTES));
    if (binary || window.isKnown(entry.sha)) {
      finish(entry, { ...row, skip_reason: binary ? 'binary-content' : null });
      return 'stored';
    }
    if (content.length !== entry.size) return 'mismatch';
    if (entry.size < PACK_BLOB_MAX_BYTES) return packBlob(entry, content, { ...row, skip_reason: null });
    uploads.run(async () => {
      try {
        await storeBlob(entry, content);
        finish(entry, { ...row, skip_reason: null });
      } catch (error) {
        // A mismatch leaves the path undone: it is fetched by SHA after the archive.
        if (!(error instanceof BlobIntegrityError)) throw error;
      }
    });
    await uploads.whenBelowLimit();
    return 'stored';
  }

  /** Appends a small blob, verified, to the open pack; its row waits for the pack to be durable. */
  async function packBlob(entry: TreeEntry, content: Buffer, row: Parameters<typeof finish>[1]): Promise<'stored' | 'mismatch'> {
    try {
      packs.add(entry.sha, content);
    } catch (error) {
      // A mismatch leaves the path undone: it is fetched by SHA after the archive.
      if (error instanceof BlobIntegrityError) return 'mismatch';
      throw error;
    }
    window.stored(entry.sha);
    result.blobsUploaded += 1;
    result.bytesUploaded += entry.size;
    finish(entry, row);
    await packs.sealIfDue();
    await uploads.whenBelowLimit();
    return 'stored';
  }

  async function storeBlob(entry: TreeEntry, content: Buffer | Readable): Promise<void> {
    // What the window knows comes from the blob index, checked against the store just before: skip the store's own check.
    const { stored } = await blobs.put(entry.sha, entry.size, content, { knownAbsent: true });
    window.stored(entry.sha);
    pendingBlobs.push({ sha: entry.sha, size: entry.size });
    if (stored) {
      result.blobsUploaded += 1;
      result.bytesUploaded += entry.size;
    }
  }

  const archive = useArchive && undone > 0 ? await sources.openArchive() : undefined;
  for await (const zipEntry of archive ? readZipEntries(archive, options.archiveLimits) : []) {
    signal?.throwIfAborted();
    uploads.throwIfFailed();
    const entry = await window.lookup(zipEntry.path);
    // Not in the tree (the tree is the truth), already done, or a submodule's placeholder.
    if (!entry || entry.type !== 'blob' || window.isDone(entry.path)) {
      await zipEntry.drain();
      continue;
    }
    // A mismatch leaves the path undone; it is fetched by SHA below.
    await take(entry, zipEntry.body);
    await packs.sealIfDue();
    if (flushIsDue()) await flush();
  }
  await packs.seal();
  await uploads.settle();
  await flush();

  // What the archive left out or changed (or everything, without the archive): fetch by SHA, which must match.
  progress.phase = 'fetching-missing';
  onProgress(progress);
  for await (const page of pagesOf(tree, TREE_WINDOW_ENTRIES)) {
    await window.show(page, page.length < TREE_WINDOW_ENTRIES);
    for (const entry of page) {
      if (window.isDone(entry.path)) continue;
      signal?.throwIfAborted();
      result.fetchedOutsideArchive.push(entry.path);
      const outcome = await take(entry, await sources.openBlob(entry.sha));
      await uploads.settle();
      if (outcome === 'mismatch' || !window.isDone(entry.path)) {
        throw new IntegrityMismatchError(entry.path, `${entry.path}: the blob GitHub serves does not hash to ${entry.sha}`);
      }
      await packs.sealIfDue();
      if (flushIsDue()) await flush();
    }
  }
  await packs.seal();
  await uploads.settle();
  await flush();
  // Rows already written whose blob the store lost (and no other path stored again above).
  const storedAgain = await blobIndex.knownAmong(lost.map((blob) => blob.sha));
  const { restored, mismatched } = await restoreBlobs(blobs, sources, lost.filter((blob) => !storedAgain.has(blob.sha)));
  await blobIndex.record(restored);
  result.blobsRestored = restored.length;
  result.blobsUploaded += restored.length;
  result.bytesUploaded += restored.reduce((sum, blob) => sum + blob.size, 0);
  const [wrong] = mismatched;
  if (wrong) throw new IntegrityMismatchError(wrong.path, `${wrong.path}: the blob GitHub serves does not hash to ${wrong.sha}`);
  progress.phase = 'finishing';
  progress.currentPath = null;
  onProgress(progress);
  result.filesStored = totals.files;
  return result;
}

/** Rows per page when the blobs of a snapshot's written rows are checked against the store. */
const STORED_BLOBS_PAGE = 1_000;

/**
 * The blobs the snapshot's written rows name that the store no longer holds, checked a page at a
 * time: only what is lost is kept, which is nothing unless the store lost data. A blob the index
 * marks missing (a read found it absent or its stored bytes wrong) is read back and hashed: a copy
 * gone bad is deleted before the blob is stored again, and a good one is kept as it is.
 */
async function findLostBlobs(blobs: BlobStore, blobIndex: ImportBlobIndex, manifest: ImportManifest, snapshotId: string): Promise<LostBlob[]> {
  const lost: LostBlob[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await manifest.storedBlobsAfter(snapshotId, after, STORED_BLOBS_PAGE);
    const known = await blobIndex.knownAmong(page.map((blob) => blob.sha));
    const absent = await findAbsentBlobs(blobs, [...known]);
    for (const blob of page) {
      if (known.has(blob.sha)) {
        if (absent.has(blob.sha)) lost.push(blob);
        continue;
      }
      const state = await checkBlob(blobs, blob.sha, blob.size);
      if (state !== 'ok') lost.push({ ...blob, corrupt: state === 'corrupt' });
    }
    if (page.length < STORED_BLOBS_PAGE) return lost;
    after = page[page.length - 1]!.sha;
  }
}

function kindOf(entry: TreeEntry): NewSnapshotFile['kind'] {
  if (entry.type === 'commit') return 'submodule';
  return entry.mode === '120000' ? 'symlink' : 'file';
}
