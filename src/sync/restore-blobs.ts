import { BlobIntegrityError, type BlobStore } from '../storage/blob-store.js';
import type { ImportSources } from './import-types.js';
import { runBounded } from './run-bounded.js';

export interface LostBlob {
  sha: string;
  size: number;
  /** A path of the snapshot that holds it, to name in messages. */
  path: string;
  /** The store holds wrong bytes under the SHA: they are deleted before the blob is stored again. */
  corrupt?: boolean;
}

/**
 * Fetches lost blobs by SHA (GitHub's blobs API) and stores them again, each verified against its
 * SHA by the store. A blob whose served bytes do not hash to its SHA is reported, not stored.
 */
export async function restoreBlobs(
  blobs: BlobStore,
  sources: Pick<ImportSources, 'openBlob'>,
  lost: LostBlob[],
  concurrency = 8,
): Promise<{ restored: LostBlob[]; mismatched: LostBlob[] }> {
  const restored: LostBlob[] = [];
  const mismatched: LostBlob[] = [];
  await runBounded(lost, concurrency, async (blob) => {
    if (blob.corrupt) await blobs.delete(blob.sha);
    try {
      await blobs.put(blob.sha, blob.size, await sources.openBlob(blob.sha), { knownAbsent: true });
      restored.push(blob);
    } catch (error) {
      if (!(error instanceof BlobIntegrityError)) throw error;
      mismatched.push(blob);
    }
  });
  return { restored, mismatched };
}
