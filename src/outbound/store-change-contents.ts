import type { Db } from '../db/connection.js';
import { blobsRepository } from '../db/repositories/blobs.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { ValidChange } from './validate-changes.js';

const UPLOAD_CONCURRENCY = 16;

/**
 * Stores an edit's new contents, content-addressed, and records them: a repeated upload is a
 * no-op, and a request that fails later leaves only blobs nobody points at.
 */
export async function storeChangeContents(deps: { db: Db; blobs: BlobStore }, contents: Extract<ValidChange, { delete: false }>[]): Promise<void> {
  const { db, blobs } = deps;
  const known = await blobsRepository(db).knownAmong([...new Set(contents.map((change) => change.sha))]);
  const missing = [...new Map(contents.filter((change) => !known.has(change.sha)).map((change) => [change.sha, change.content])).entries()];
  await Promise.all(
    Array.from({ length: Math.min(UPLOAD_CONCURRENCY, missing.length) }, async () => {
      for (let next = missing.pop(); next; next = missing.pop()) await blobs.put(next[0], next[1].length, next[1], { knownAbsent: true });
    }),
  );
  await blobsRepository(db).record(contents.map((change) => ({ sha: change.sha, size: change.content.length })));
}
