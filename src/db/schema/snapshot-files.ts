export type FileKind = 'file' | 'symlink' | 'submodule';

export interface SnapshotFilesTable {
  snapshot_id: string;
  path: string;
  kind: FileKind;
  /** Git mode as GitHub's tree API spells it: 100644, 100755, 120000, 160000. */
  mode: string;
  /** Blob SHA for files and symlinks; the commit SHA for submodules. */
  sha: string;
  size: number;
  is_text: boolean;
  editable: boolean;
  lfs_pointer: boolean;
  /** Why the file's content was not stored, or null when it was. */
  skip_reason: string | null;
  warning: string | null;
}

export interface SnapshotFilesSchema {
  snapshot_files: SnapshotFilesTable;
}
