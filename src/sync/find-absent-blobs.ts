import type { BlobStore } from '../storage/blob-store.js';
import { runBounded } from './run-bounded.js';

/**
 * The SHAs among `shas` the store does not hold, by one existence check (a HEAD on S3) per blob,
 * `concurrency` at a time: what an import is about to reuse, checked rather than trusted.
 */
export async function findAbsentBlobs(blobs: BlobStore, shas: Iterable<string>, concurrency = 32): Promise<Set<string>> {
  const absent = new Set<string>();
  await runBounded(new Set(shas), concurrency, async (sha) => {
    if (!(await blobs.has(sha))) absent.add(sha);
  });
  return absent;
}
