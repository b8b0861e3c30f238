import { sql } from 'kysely';
import type { Db } from '../connection.js';
import type { TreeEntry } from '../../github/recursive-tree.js';
import type { ImportTree } from '../../sync/import-tree.js';

/** Rows per insert: six bind parameters a row, well under PostgreSQL's 65,535. */
const INSERT_ROWS = 5_000;

/**
 * The commit trees imports fill snapshots from, kept in PostgreSQL one row per entry (see the
 * `import_tree_entries` migration), so a worker holds a page of a tree at a time, never all of it.
 */
export function importTreesRepository(db: Db) {
  return {
    /**
     * Adds entries of the tree a snapshot is filled from. A tree is the same on every attempt
     * (a snapshot is of one commit), so entries an earlier attempt stored are kept as they are.
     */
    async add(snapshotId: string, entries: TreeEntry[]): Promise<void> {
      for (let start = 0; start < entries.length; start += INSERT_ROWS) {
        await db
          .insertInto('import_tree_entries')
          .values(entries.slice(start, start + INSERT_ROWS).map((entry) => ({ snapshot_id: snapshotId, path: entry.path, mode: entry.mode, type: entry.type, sha: entry.sha, size: entry.size })))
          .onConflict((oc) => oc.columns(['snapshot_id', 'path']).doNothing())
          .execute();
      }
    },

    /** Forgets a snapshot's tree once the snapshot is complete (its rows say all it said). */
    async drop(snapshotId: string): Promise<void> {
      await db.deleteFrom('import_tree_entries').where('snapshot_id', '=', snapshotId).execute();
    },

    /** The stored tree of a snapshot, read in pages. */
    tree(snapshotId: string): ImportTree {
      return {
        async totals() {
          const row = await db
            .selectFrom('import_tree_entries')
            .select([sql<string>`count(*)`.as('files'), sql<string>`coalesce(sum(size), 0)`.as('bytes')])
            .where('snapshot_id', '=', snapshotId)
            .executeTakeFirstOrThrow();
          return { files: Number(row.files), bytes: Number(row.bytes) };
        },
        async page({ from, after, limit }) {
          let query = db.selectFrom('import_tree_entries').select(['path', 'mode', 'type', 'sha', 'size']).where('snapshot_id', '=', snapshotId);
          if (after !== undefined) query = query.where('path', '>', after);
          else if (from !== undefined) query = query.where('path', '>=', from);
          const rows = await query.orderBy('path').limit(limit).execute();
          return rows.map((row) => ({ ...row, size: Number(row.size) }));
        },
      };
    },
  };
}
