import { randomUUID } from 'node:crypto';
import { BlobIntegrityError } from './blob-store.js';
import { gitBlobHasher } from './git-blob-hash.js';

/** A blob's place in a pack. */
export interface PackEntry {
  sha: string;
  size: number;
  offset: number;
}

/**
 * A pack being filled: verified blobs appended back to back in memory, uploaded whole as one
 * object once sealed. Nothing refers to it until its upload completed and its index was
 * recorded, so a pack that dies with its process is never referenced.
 */
export class OpenPack {
  readonly key = randomUUID();
  readonly entries: PackEntry[] = [];
  readonly openedAt = Date.now();
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  get size(): number {
    return this.bytes;
  }

  /** Appends a blob after checking that its bytes hash to `sha` as a git blob; throws BlobIntegrityError otherwise. */
  add(sha: string, content: Buffer): void {
    const actual = gitBlobHasher(content.length).update(content).digest('hex');
    if (actual !== sha) throw new BlobIntegrityError(sha, actual);
    this.entries.push({ sha, size: content.length, offset: this.bytes });
    this.chunks.push(content);
    this.bytes += content.length;
  }

  /** The pack's bytes; nothing is to be added afterwards. */
  body(): Buffer {
    return Buffer.concat(this.chunks, this.bytes);
  }
}
