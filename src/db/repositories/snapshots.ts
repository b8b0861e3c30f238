import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { SnapshotFilesTable, SnapshotsTable } from '../schema/index.js';

export type Snapshot = Selectable<SnapshotsTable>;
export type SnapshotFile = Selectable<SnapshotFilesTable>;
export type NewSnapshotFile = Insertable<SnapshotFilesTable>;

export function snapshotsRepository(db: Db) {
  return {
    /**
     * The snapshot of `commitSha` under the filter `filterKey` for a project, created empty if
     * absent. A sync fills it while it runs; a retried or resumed sync finds the rows already
     * written and carries on from there. Another filter means other skip decisions, so it gets a
     * snapshot of its own.
     */
    async openForCommit(projectId: string, commitSha: string, treeSha: string, filterKey: string): Promise<Snapshot> {
      await db
        .insertInto('snapshots')
        .values({ project_id: projectId, commit_sha: commitSha, tree_sha: treeSha, filter_key: filterKey, file_count: 0, total_bytes: 0 })
        .onConflict((oc) => oc.columns(['project_id', 'commit_sha', 'filter_key']).doNothing())
        .execute();
      return db
        .selectFrom('snapshots')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('commit_sha', '=', commitSha)
        .where('filter_key', '=', filterKey)
        .executeTakeFirstOrThrow();
    },

    async writtenPaths(snapshotId: string): Promise<Set<string>> {
      const rows = await db.selectFrom('snapshot_files').select('path').where('snapshot_id', '=', snapshotId).execute();
      return new Set(rows.map((row) => row.path));
    },

    /** Adds manifest rows; a row already written by an earlier attempt is kept as it is. */
    async addFiles(files: NewSnapshotFile[]): Promise<void> {
      // Postgres allows 65,535 bind parameters per statement; 11 columns a row.
      for (let start = 0; start < files.length; start += 2000) {
        await db
          .insertInto('snapshot_files')
          .values(files.slice(start, start + 2000))
          .onConflict((oc) => oc.columns(['snapshot_id', 'path']).doNothing())
          .execute();
      }
    },

    /**
     * The complete snapshot of `commitSha` readers get: the current one when it is of that commit,
     * otherwise the newest (a commit imported under several filters has several).
     */
    findCompleteForCommit(projectId: string, commitSha: string, currentId: string | null): Promise<Snapshot | undefined> {
      return db
        .selectFrom('snapshots')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('commit_sha', '=', commitSha)
        .where('complete', '=', true)
        .orderBy(sql`case when id = ${currentId} then 0 else 1 end`)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /** The rows of `paths` in a snapshot. */
    filesAt(snapshotId: string, paths: string[]): Promise<SnapshotFile[]> {
      if (paths.length === 0) return Promise.resolve([]);
      return db.selectFrom('snapshot_files').selectAll().where('snapshot_id', '=', snapshotId).where(sql<boolean>`path = any(${paths})`).execute();
    },

    findById(id: string): Promise<Snapshot | undefined> {
      return db.selectFrom('snapshots').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** One page of a snapshot's listing, in path order, after the `after` cursor. */
    listFiles(snapshotId: string, { limit, after, prefix }: { limit: number; after?: string | undefined; prefix?: string | undefined }): Promise<SnapshotFile[]> {
      let query = db.selectFrom('snapshot_files').selectAll().where('snapshot_id', '=', snapshotId);
      if (after !== undefined) query = query.where('path', '>', after);
      if (prefix) query = query.where(sql<boolean>`starts_with(path, ${prefix})`);
      return query.orderBy(sql`path collate "C"`).limit(limit).execute();
    },

    findFile(snapshotId: string, path: string): Promise<SnapshotFile | undefined> {
      return db.selectFrom('snapshot_files').selectAll().where('snapshot_id', '=', snapshotId).where('path', '=', path).executeTakeFirst();
    },

    /** Each blob whose content the snapshot stores (one of its paths named), for checking the store. */
    async storedBlobs(snapshotId: string): Promise<Array<{ sha: string; size: number; path: string }>> {
      const rows = await db
        .selectFrom('snapshot_files')
        .select(['sha', 'size', sql<string>`min(path)`.as('path')])
        .where('snapshot_id', '=', snapshotId)
        .where('skip_reason', 'is', null)
        .where('kind', '<>', 'submodule')
        .groupBy(['sha', 'size'])
        .execute();
      return rows.map((row) => ({ sha: row.sha, size: Number(row.size), path: row.path }));
    },

    async totals(snapshotId: string): Promise<{ files: number; bytes: number; skipped: number }> {
      const row = await db
        .selectFrom('snapshot_files')
        .select([
          sql<number>`count(*)::int`.as('files'),
          sql<number>`coalesce(sum(size) filter (where skip_reason is null and kind <> 'submodule'), 0)::bigint`.as('bytes'),
          sql<number>`(count(*) filter (where skip_reason is not null))::int`.as('skipped'),
        ])
        .where('snapshot_id', '=', snapshotId)
        .executeTakeFirstOrThrow();
      return { files: Number(row.files), bytes: Number(row.bytes), skipped: Number(row.skipped) };
    },
  };
}
