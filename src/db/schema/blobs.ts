import type { ColumnType, Generated } from 'kysely';

/**
 * One row per stored git blob: its content lives in the blob store under blobs/<sha>, or, when
 * `pack_key` is set, at `pack_offset` (for `size` bytes) in the pack object packs/<pack_key>.
 */
export interface BlobsTable {
  sha: string;
  size: number;
  created_at: Generated<Date>;
  /** Set when the store was found not to hold the blob after all; cleared when it is stored again. */
  missing_since: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** When a writer last stored or reused the blob; garbage collection spares it for a grace period after. */
  touched_at: ColumnType<Date, Date | undefined, Date>;
  pack_key: ColumnType<string | null, string | null | undefined, string | null>;
  pack_offset: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A pack object, recorded once it is durable. */
export interface BlobPacksTable {
  key: string;
  size: number;
  blob_count: number;
  created_at: Generated<Date>;
  /** Set once nothing points into the pack any more; garbage collection deletes it a grace period later. */
  retired_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** The one row saying which garbage collector runs, until when unless it renews. */
export interface GarbageCollectorLeaseTable {
  id: number;
  holder: string;
  expires_at: Date;
}

export interface BlobsSchema {
  blobs: BlobsTable;
  blob_packs: BlobPacksTable;
  garbage_collector_lease: GarbageCollectorLeaseTable;
}
