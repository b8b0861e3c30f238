import type { Readable } from 'node:stream';

/**
 * Content-addressed storage of git blobs: one object per blob, keyed by its git SHA-1,
 * so identical content is stored once and a re-upload after a crash is a no-op.
 */
export interface BlobStore {
  /**
   * Stores `content` under `sha`, verifying that it hashes to that git blob SHA before it becomes
   * visible. `size` is the exact byte length (git's blob header needs it up front).
   * Resolves `{ stored: false }` when the blob was already there. With `knownAbsent` the caller
   * has just checked its own index: the store skips its existence check (one request less per
   * blob); a blob that was there after all is overwritten with identical bytes.
   */
  put(sha: string, size: number, content: Readable | Buffer, options?: PutOptions): Promise<{ stored: boolean }>;
  has(sha: string): Promise<boolean>;
  /** The blob's bytes; rejects with BlobNotFoundError when absent. */
  get(sha: string): Promise<Readable>;
  list(): AsyncIterable<string>;
  delete(sha: string): Promise<void>;
  /** Resolves when the store is reachable and writable (for /readyz). */
  check(): Promise<void>;
  close(): Promise<void>;
}

export interface PutOptions {
  knownAbsent?: boolean;
}

export class BlobNotFoundError extends Error {
  constructor(readonly sha: string) {
    super(`blob ${sha} is not stored`);
    this.name = 'BlobNotFoundError';
  }
}

export class BlobIntegrityError extends Error {
  constructor(
    readonly expectedSha: string,
    readonly actualSha: string,
  ) {
    super(`content hashes to ${actualSha}, not the expected blob ${expectedSha}`);
    this.name = 'BlobIntegrityError';
  }
}

const SHA1_HEX = /^[0-9a-f]{40}$/;

export function assertBlobSha(sha: string): void {
  if (!SHA1_HEX.test(sha)) throw new TypeError(`not a git blob SHA: ${JSON.stringify(sha)}`);
}
