import type { Readable } from 'node:stream';
import type { NewSnapshotFile } from '../db/repositories/snapshots.js';
import type { FileFilter } from '../db/schema/projects.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { ArchiveLimits } from './archive-limits.js';
import type { ImportTree } from './import-tree.js';

/** What `importCommit` takes, reports and answers. */

export interface ImportProgress {
  phase: 'streaming' | 'fetching-missing' | 'finishing';
  filesDone: number;
  /** Files whose manifest rows are saved: where a restarted import resumes from. */
  filesSaved: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentPath: string | null;
}

export interface ImportSources {
  /** The commit's zipball, streamed (a fresh request on every call). */
  openArchive(): Promise<Readable>;
  /** One blob's bytes by SHA, for what the archive lacks or changed. */
  openBlob(sha: string): Promise<Readable>;
}

/** The snapshot's manifest rows, as far as an import reads and writes them. */
export interface ImportManifest {
  /** Which of `paths` have rows already (an earlier attempt's work). */
  writtenAmong(snapshotId: string, paths: string[]): Promise<Set<string>>;
  /** How many rows are written. */
  writtenCount(snapshotId: string): Promise<number>;
  /**
   * Blobs the snapshot's rows say are stored, each with one path that names it, in SHA order
   * after `afterSha`, at most `limit`.
   */
  storedBlobsAfter(snapshotId: string, afterSha: string | undefined, limit: number): Promise<Array<{ sha: string; size: number; path: string }>>;
  /** Adds rows; a row already written is kept as it is. */
  addFiles(files: NewSnapshotFile[]): Promise<void>;
}

/** The index of blobs the store holds, so an import skips known blobs without asking the store. */
export interface ImportBlobIndex {
  knownAmong(shas: string[]): Promise<Set<string>>;
  record(stored: Array<{ sha: string; size: number }>): Promise<void>;
  /** Records a durable pack and its blobs' places in it, in one transaction. */
  recordPack(pack: { key: string; size: number; blobs: Array<{ sha: string; size: number; offset: number }> }): Promise<void>;
  markMissing(absent: Array<{ sha: string; size: number }>): Promise<void>;
}

export interface ImportCommitOptions {
  manifest: ImportManifest;
  blobIndex: ImportBlobIndex;
  blobs: BlobStore;
  sources: ImportSources;
  snapshotId: string;
  /** The commit's tree, read a page at a time (see `ImportTree`). */
  tree: ImportTree;
  filter: FileFilter;
  archiveLimits?: ArchiveLimits;
  /** Uploads of small blobs in flight at once while the archive keeps streaming. */
  uploadConcurrency?: number;
  /** A pack is sealed once it holds this many bytes (default 16 MiB); smaller packs save rows sooner. */
  packTargetBytes?: number;
  /**
   * false: take every missing file by SHA from the blobs API instead of the archive — cheaper
   * when only a few files changed since a snapshot whose rows are already copied over.
   */
  useArchive?: boolean;
  /**
   * Also check that the blobs of rows already in the snapshot are still in the store, and fetch
   * by SHA those that are not — a re-import trusts neither an earlier attempt nor an earlier import.
   */
  verifyWritten?: boolean;
  onProgress?(progress: ImportProgress): void;
  signal?: AbortSignal;
}

export interface ImportResult {
  filesStored: number;
  blobsUploaded: number;
  bytesUploaded: number;
  fetchedOutsideArchive: string[];
  /** Blobs of rows already written that the store had lost, fetched again by SHA. */
  blobsRestored: number;
}
