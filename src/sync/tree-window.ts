import type { TreeEntry } from '../github/recursive-tree.js';
import type { BlobStore } from '../storage/blob-store.js';
import { findAbsentBlobs } from './find-absent-blobs.js';
import type { ImportBlobIndex, ImportManifest } from './import-types.js';
import { comparePaths, type ImportTree } from './import-tree.js';

/** Tree entries an import holds at once: one window of the tree, looked up in one query each. */
export const TREE_WINDOW_ENTRIES = 1_000;

/**
 * What an import knows about the entries around where it is in the tree: one window of
 * consecutive entries (in path order), which of them the snapshot already has rows for, and which
 * of their blobs the store holds. Memory stays one window's worth whatever the tree's size:
 * each window's facts come from the database in a few batched queries, and what the import did
 * since its last flush (rows and blobs not yet saved) is kept until that flush and no longer.
 */
export class TreeWindow {
  private entries = new Map<string, TreeEntry>();
  private first: string | undefined;
  private last: string | undefined;
  /** The window reaches the tree's end: nothing after `last`. */
  private atEnd = false;
  private written = new Set<string>();
  private known = new Set<string>();
  /** Paths finished since the last flush, whose rows are not saved yet. */
  private readonly unsaved = new Set<string>();
  /** Blobs stored since the last flush, not yet in the blob index. */
  private readonly unrecorded = new Set<string>();

  constructor(
    private readonly deps: {
      tree: ImportTree;
      manifest: Pick<ImportManifest, 'writtenAmong'>;
      blobIndex: Pick<ImportBlobIndex, 'knownAmong' | 'markMissing'>;
      blobs: BlobStore;
      snapshotId: string;
    },
    private readonly size = TREE_WINDOW_ENTRIES,
  ) {}

  /**
   * Makes `page` (consecutive entries of the tree) the window. The blobs the index says are
   * stored are checked against the store first — the index says what was stored, not what still
   * is — and those absent are marked missing, to be stored again.
   */
  async show(page: TreeEntry[], reachesEnd: boolean): Promise<void> {
    const { manifest, blobIndex, blobs, snapshotId } = this.deps;
    this.entries = new Map(page.map((entry) => [entry.path, entry]));
    this.first = page[0]?.path;
    this.last = page[page.length - 1]?.path;
    this.atEnd = reachesEnd;
    this.written = await manifest.writtenAmong(snapshotId, [...this.entries.keys()]);
    const wanted = [...new Set(page.filter((entry) => entry.type === 'blob' && !this.written.has(entry.path)).map((entry) => entry.sha))];
    const known = await blobIndex.knownAmong(wanted);
    const absent = await findAbsentBlobs(blobs, known);
    if (absent.size > 0) {
      const sizes = new Map(page.map((entry) => [entry.sha, entry.size]));
      await blobIndex.markMissing([...absent].map((sha) => ({ sha, size: sizes.get(sha) ?? 0 })));
      for (const sha of absent) known.delete(sha);
    }
    this.known = known;
  }

  /** The window starting at `path` (or the entry after it): where an archive entry is looked up. */
  private async showFrom(path: string): Promise<void> {
    const page = await this.deps.tree.page({ from: path, limit: this.size });
    await this.show(page, page.length < this.size);
  }

  /**
   * The tree's entry at `path`, or undefined when the tree has none. A path inside the window's
   * range is answered from it; one outside it moves the window there.
   */
  async lookup(path: string): Promise<TreeEntry | undefined> {
    if (!this.covers(path)) await this.showFrom(path);
    return this.entries.get(path);
  }

  private covers(path: string): boolean {
    if (this.first === undefined || comparePaths(path, this.first) < 0) return false;
    return this.atEnd || (this.last !== undefined && comparePaths(path, this.last) <= 0);
  }

  /** The path has a row: saved (by an earlier attempt or a flush) or finished and to be saved. */
  isDone(path: string): boolean {
    return this.written.has(path) || this.unsaved.has(path);
  }

  /** The store holds the blob (the index said so and the store confirmed, or this import stored it). */
  isKnown(sha: string): boolean {
    return this.known.has(sha) || this.unrecorded.has(sha);
  }

  finished(path: string): void {
    this.unsaved.add(path);
  }

  stored(sha: string): void {
    this.unrecorded.add(sha);
  }

  /** The rows of `paths` are saved: the database answers for them from now on. */
  saved(paths: string[]): void {
    for (const path of paths) {
      this.unsaved.delete(path);
      if (this.entries.has(path)) this.written.add(path);
    }
  }

  /** The blobs of `shas` are in the blob index: the database answers for them from now on. */
  recorded(shas: string[]): void {
    for (const sha of shas) {
      this.unrecorded.delete(sha);
      this.known.add(sha);
    }
  }
}
