import type { Readable } from 'node:stream';

/**
 * Content-addressed storage of git blobs: one object per blob, keyed by its git SHA-1,
 * so identical content is stored once and a re-upload after a crash is a no-op. Small blobs may
 * instead live in pack objects (many blobs back to back, read by byte range); which blob is in
 * which pack is PostgreSQL's index, not the store's (see indexed-blob-store.ts).
 */
export interface BlobStore extends PackStore {
  /**
   * Stores `content` under `sha`, verifying that it hashes to that git blob SHA before it becomes
   * visible. `size` is the exact byte length (git's blob header needs it up front).
   * Resolves `{ stored: false }` when the blob was already there. With `knownAbsent` the caller
   * has just checked its own index: the store skips its existence check (one request less per
   * blob); a blob that was there after all is overwritten with identical bytes.
   */
  put(sha: string, size: number, content: Readable | Buffer, options?: PutOptions): Promise<{ stored: boolean }>;
  has(sha: string): Promise<boolean>;
  /**
   * The blob's bytes; rejects with BlobNotFoundError when absent. With `fromStorage`, the bytes as
   * stored now, never a copy kept in memory: what a check of the stored copy must read.
   */
  get(sha: string, options?: GetOptions): Promise<Readable>;
  list(): AsyncIterable<string>;
  /**
   * Every blob object and pack object the store holds, with its size and last write, one listing
   * request (S3) or folder (filesystem) at a time: what garbage collection checks against the index.
   */
  inventory(): AsyncIterable<StoredObject[]>;
  delete(sha: string): Promise<void>;
  /** Resolves when the store is reachable and writable (for /readyz). */
  check(): Promise<void>;
  close(): Promise<void>;
}

/** An object in the blob store, as its listing describes it. */
export interface StoredObject {
  /** `blob`: one blob's own object, named by its SHA; `pack`: a pack of small blobs, named by its key. */
  kind: 'blob' | 'pack';
  name: string;
  size: number;
  /** When the object was last written: a blob stored again is younger than any grace period. */
  modifiedAt: Date;
}

/** Pack objects under `packs/<key>`: written whole, once, and read by byte range. */
export interface PackStore {
  /** Stores the pack; it is visible whole or not at all. */
  putPack(key: string, body: Buffer): Promise<void>;
  /** `length` bytes from `offset`; rejects with PackNotFoundError when the pack is absent. */
  getRange(key: string, offset: number, length: number): Promise<Readable>;
  hasPack(key: string): Promise<boolean>;
  deletePack(key: string): Promise<void>;
  listPacks(): AsyncIterable<string>;
}

export class PackNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`pack ${key} is not stored`);
    this.name = 'PackNotFoundError';
  }
}

const PACK_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Pack keys are UUIDs we mint; anything else is refused before it becomes an object key or a file name. */
export function assertPackKey(key: string): void {
  if (!PACK_KEY.test(key)) throw new TypeError(`not a pack key: ${JSON.stringify(key)}`);
}

export interface GetOptions {
  fromStorage?: boolean;
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

/**
 * The store holds bytes for the blob that are not its content: a packed range shorter than its
 * indexed size, or bytes that hash to another SHA (bit rot, a bad copy, a truncated pack). Such a
 * blob is treated as lost, never served: a re-import or verify stores it again.
 */
export class CorruptBlobError extends Error {
  constructor(
    readonly sha: string,
    readonly reason: string,
  ) {
    super(`the stored copy of blob ${sha} is corrupt: ${reason}`);
    this.name = 'CorruptBlobError';
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
