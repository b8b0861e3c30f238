import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { BlobNotFoundError, CorruptBlobError, type BlobStore } from './blob-store.js';
import { GitBlobHashStream } from './git-blob-hash.js';

export type BlobState = 'ok' | 'missing' | 'corrupt';

/** Reads a stored blob back and hashes it as git does: absent, or bytes that are not its SHA's. */
export async function checkBlob(blobs: BlobStore, sha: string, size: number): Promise<BlobState> {
  let body;
  try {
    // The stored copy is what is checked, not one a read kept in memory before it went bad.
    body = await blobs.get(sha, { fromStorage: true });
  } catch (error) {
    if (error instanceof BlobNotFoundError) return 'missing';
    if (error instanceof CorruptBlobError) return 'corrupt';
    throw error;
  }
  const hasher = new GitBlobHashStream(size);
  const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  await pipeline(body, hasher, discard);
  return hasher.digest() === sha ? 'ok' : 'corrupt';
}
