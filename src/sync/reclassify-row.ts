import type { SnapshotFile } from '../db/repositories/snapshots.js';
import { classifyPath, type ResolvedFilter } from './file-filter.js';

/** Skip reasons that come from reading the content; any other was decided without reading it. */
const CONTENT_READ = new Set<string | null>([null, 'binary-content']);

/**
 * A manifest row of an unchanged file classified again under another filter. A path the filter
 * now excludes becomes a skipped row; a row whose content was read (stored, or sniffed as binary)
 * keeps what its bytes said and takes the filter's editable flag and size warning. Undefined when
 * the content was never read (the row was skipped by path) and the filter now includes it: its
 * blob has to be fetched.
 */
export function reclassifyRow(row: SnapshotFile, filter: ResolvedFilter): SnapshotFile | undefined {
  if (row.kind === 'submodule') return row;
  const verdict = classifyPath(row.path, Number(row.size), filter);
  if (verdict.skipReason) return { ...row, is_text: false, editable: false, lfs_pointer: false, skip_reason: verdict.skipReason, warning: verdict.warning };
  if (!CONTENT_READ.has(row.skip_reason)) return undefined;
  return { ...row, editable: verdict.editable && row.skip_reason === null, warning: verdict.warning };
}
