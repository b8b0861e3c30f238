import type { ColumnType } from 'kysely';
import type { OutboundFileMode } from '../../shared/outbound-sync.js';

/** One path of an outbound operation: new content (by blob SHA) or a deletion (`blob_sha` null). */
export interface OutboundChangesTable {
  operation_id: string;
  /** The order the caller listed the changes in. */
  position: number;
  path: string;
  blob_sha: string | null;
  mode: OutboundFileMode | null;
  size: ColumnType<number, number | undefined, number>;
  is_text: ColumnType<boolean, boolean | undefined, boolean>;
  editable: ColumnType<boolean, boolean | undefined, boolean>;
  lfs_pointer: ColumnType<boolean, boolean | undefined, boolean>;
  skip_reason: string | null;
  warning: string | null;
}

export interface OutboundChangesSchema {
  outbound_changes: OutboundChangesTable;
}
