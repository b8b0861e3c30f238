import type { Generated } from 'kysely';

/** The manifest of one commit; its files are in snapshot_files. */
export interface SnapshotsTable {
  id: Generated<string>;
  project_id: string;
  commit_sha: string;
  tree_sha: string | null;
  /** The file filter the rows were classified with (see filterKey); '' when not recorded. */
  filter_key: Generated<string>;
  file_count: number;
  total_bytes: number;
  complete: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface SnapshotsSchema {
  snapshots: SnapshotsTable;
}
