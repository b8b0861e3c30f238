import type { StoredObject } from '../storage/blob-store.js';

export type { StoredObject };

/** What garbage collection needs of the blob store, with the requests it made counted. */
export interface GarbageStore {
  /** Every blob object and pack object the store holds. */
  inventory(): AsyncIterable<StoredObject>;
  deleteBlob(sha: string): Promise<void>;
  deletePack(key: string): Promise<void>;
  /** A whole pack's bytes (`size` of them, as recorded). */
  readPack(key: string, size: number): Promise<Buffer>;
  /** Writes blobs (already verified) as a new pack; resolves its key, size and their places. */
  writePack(blobs: Array<{ sha: string; content: Buffer }>): Promise<{ key: string; size: number; blobs: Array<{ sha: string; size: number; offset: number }> }>;
  readonly requests: { list: number; get: number; put: number; delete: number };
}
