import type { NewSnapshotFile } from '../db/repositories/snapshots.js';
import type { PackStore } from '../storage/blob-store.js';
import { OpenPack } from '../storage/open-pack.js';
import type { ImportBlobIndex } from './import-types.js';
import type { UploadPool } from './upload-pool.js';

export interface PackWriterOptions {
  blobs: Pick<PackStore, 'putPack'>;
  index: Pick<ImportBlobIndex, 'recordPack'>;
  /** Uploads run here, so a failed pack fails the import like any failed upload. */
  uploads: UploadPool;
  /** Called with a pack's rows once it is uploaded and indexed: only then may they be saved. */
  onDurable(rows: NewSnapshotFile[]): void;
  /** A pack is sealed once it holds this many bytes... */
  targetBytes: number;
  /** ...or has been open this long, so its files' rows are saved within about that time. */
  maxOpenMs: number;
}

/**
 * Gathers an import's small blobs into packs. A file whose blob went into a pack has its row held
 * back until that pack is durable (uploaded, then indexed in one transaction): a saved row never
 * names a blob that is not stored, and a pack whose upload did not complete is never referenced
 * — a resumed import redoes its files. One pack uploads while the next fills, so at most two are
 * held in memory.
 */
export class PackWriter {
  private open = new OpenPack();
  private openRows: NewSnapshotFile[] = [];
  /** Rows held back for a pack not yet durable, by each blob SHA in that pack. */
  private readonly waiting = new Map<string, NewSnapshotFile[]>();
  private uploading: Promise<void> = Promise.resolve();
  packsSealed = 0;

  constructor(private readonly options: PackWriterOptions) {}

  /** Appends a blob to the open pack after checking its SHA (throws BlobIntegrityError otherwise). */
  add(sha: string, content: Buffer): void {
    this.open.add(sha, content);
    this.waiting.set(sha, this.openRows);
  }

  /** Where a row naming `sha` must wait, when that blob sits in a pack not yet durable. */
  rowsWaitingOn(sha: string): NewSnapshotFile[] | undefined {
    return this.waiting.get(sha);
  }

  isDue(now = Date.now()): boolean {
    return this.open.entries.length > 0 && (this.open.size >= this.options.targetBytes || now - this.open.openedAt >= this.options.maxOpenMs);
  }

  async sealIfDue(): Promise<void> {
    if (this.isDue()) await this.seal();
  }

  /** Starts the open pack's upload (after the previous one's) and opens the next. */
  async seal(): Promise<void> {
    if (this.open.entries.length === 0) return;
    await this.uploading;
    const sealed = this.open;
    const rows = this.openRows;
    this.open = new OpenPack();
    this.openRows = [];
    this.packsSealed += 1;
    const { blobs, index, uploads, onDurable } = this.options;
    const upload = (async () => {
      await blobs.putPack(sealed.key, sealed.body());
      await index.recordPack({ key: sealed.key, size: sealed.size, blobs: sealed.entries });
      for (const entry of sealed.entries) this.waiting.delete(entry.sha);
      onDurable(rows);
    })();
    // A failure is the upload pool's to report; this promise only orders the next pack after it.
    this.uploading = upload.catch(() => {});
    uploads.run(() => upload);
  }
}
