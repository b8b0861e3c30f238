import type { Db } from '../db/connection.js';
import { snapshotsRepository, type Snapshot } from '../db/repositories/snapshots.js';
import type { FileFilter } from '../db/schema/projects.js';
import { filterKey, resolveFilter } from '../sync/file-filter.js';
import { reclassifyRow } from '../sync/reclassify-row.js';

export interface CarriedOver {
  /** True when the base snapshot was built under another filter and its rows were classified again. */
  reclassified: boolean;
  /** Unchanged paths the filter now includes whose content was never read: left for the import to fetch. */
  refetched: number;
  /** Unchanged paths whose content was kept and that the filter now excludes. */
  newlySkipped: number;
}

/**
 * Copies the rows of files a commit left unchanged from the base snapshot into the new one. Under
 * the same filter they move over as they are, flags and skip reasons included, in one statement.
 * Under another filter each row is classified again: what the filter now excludes is marked
 * skipped, and what it now includes but was never read is left out, so the import fetches it.
 */
export async function carryOverUnchanged(db: Db, options: { from: Snapshot; to: string; paths: string[]; filter: FileFilter }): Promise<CarriedOver> {
  const { from, to, paths } = options;
  if (paths.length === 0) return { reclassified: false, refetched: 0, newlySkipped: 0 };
  const snapshots = snapshotsRepository(db);
  if (from.filter_key === filterKey(options.filter)) {
    await snapshots.copyFiles(from.id, to, paths);
    return { reclassified: false, refetched: 0, newlySkipped: 0 };
  }
  const filter = resolveFilter(options.filter);
  const kept = [];
  let newlySkipped = 0;
  for (const row of await snapshots.filesAt(from.id, paths)) {
    const next = reclassifyRow(row, filter);
    if (!next) continue;
    if (next.skip_reason !== null && row.skip_reason === null) newlySkipped += 1;
    kept.push({ ...next, snapshot_id: to });
  }
  await snapshots.addFiles(kept);
  return { reclassified: true, refetched: paths.length - kept.length, newlySkipped };
}
