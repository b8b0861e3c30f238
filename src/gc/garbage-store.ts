import type { StoredObject } from '../storage/blob-store.js';
import type { OpenPack } from '../storage/open-pack.js';

export type { StoredObject };

/** What garbage collection needs of the blob store, with the requests it made counted. */
export interface GarbageStore {
  /** Every blob object and pack object the store holds. */
  inventory(): AsyncIterable<StoredObject>;
  deleteBlob(sha: string): Promise<void>;
  deletePack(key: string): Promise<void>;
  /** A whole pack's bytes (`size` of them, as recorded). */
  readPack(key: string, size: number): Promise<Buffer>;
  /** Uploads a filled pack whole, under its key. */
  writePack(pack: OpenPack): Promise<void>;
  readonly requests: { list: number; get: number; put: number; delete: number };
}
