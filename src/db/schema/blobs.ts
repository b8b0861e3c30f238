import type { ColumnType, Generated } from 'kysely';

/** One row per stored git blob: content lives in the blob store under blobs/<sha>. */
export interface BlobsTable {
  sha: string;
  size: number;
  created_at: Generated<Date>;
  /** Set when the store was found not to hold the blob after all; cleared when it is stored again. */
  missing_since: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** When a writer last stored or reused the blob; garbage collection spares it for a grace period after. */
  touched_at: ColumnType<Date, Date | undefined, Date>;
}

export interface BlobsSchema {
  blobs: BlobsTable;
}
