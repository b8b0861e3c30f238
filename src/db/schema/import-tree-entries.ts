/** One entry of the commit tree an import is filling a snapshot from (see `ImportTree`). */
export interface ImportTreeEntriesTable {
  snapshot_id: string;
  path: string;
  mode: string;
  type: 'blob' | 'commit';
  sha: string;
  size: number;
}

export interface ImportTreeEntriesSchema {
  import_tree_entries: ImportTreeEntriesTable;
}
