import type { SnapshotFile } from '../../db/repositories/snapshots.js';

/** A snapshot file as the API lists it (its content is served separately). */
export function presentFile(file: SnapshotFile) {
  return {
    path: file.path,
    kind: file.kind,
    mode: file.mode,
    sha: file.sha,
    size: file.size,
    isText: file.is_text,
    editable: file.editable,
    lfsPointer: file.lfs_pointer,
    skipReason: file.skip_reason,
    warning: file.warning,
  };
}
