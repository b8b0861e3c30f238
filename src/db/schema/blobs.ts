import type { Generated } from 'kysely';

/** One row per stored git blob: content lives in the blob store under blobs/<sha>. */
export interface BlobsTable {
  sha: string;
  size: number;
  created_at: Generated<Date>;
}

export interface BlobsSchema {
  blobs: BlobsTable;
}
