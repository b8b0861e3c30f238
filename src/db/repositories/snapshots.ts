import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../connection.js';
import type { SnapshotFilesTable, SnapshotsTable } from '../schema/index.js';

export type Snapshot = Selectable<SnapshotsTable>;
export type SnapshotFile = Selectable<SnapshotFilesTable>;
export type NewSnapshotFile = Insertable<SnapshotFilesTable>;
/** What a tree entry and a snapshot row have in common. */
export type SnapshotEntry = Pick<SnapshotFile, 'path' | 'sha' | 'mode'>;

export function snapshotsRepository(db: Db) {
  /**
   * Blobs whose content the snapshot stores, each with one of its paths, in SHA order after
   * `afterSha`, at most `limit` (null: all).
   */
  async function storedBlobsAfter(snapshotId: string, afterSha: string | undefined, limit: number | null): Promise<Array<{ sha: string; size: number; path: string }>> {
    let query = db
      .selectFrom('snapshot_files')
      .select(['sha', 'size', sql<string>`min(path)`.as('path')])
      .where('snapshot_id', '=', snapshotId)
      .where('skip_reason', 'is', null)
      .where('kind', '<>', 'submodule');
    if (afterSha !== undefined) query = query.where('sha', '>', afterSha);
    const grouped = query.groupBy(['sha', 'size']).orderBy('sha');
    const rows = await (limit === null ? grouped : grouped.limit(limit)).execute();
    return rows.map((row) => ({ sha: row.sha, size: Number(row.size), path: row.path }));
  }

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

    /** Which of `paths` the snapshot has rows for. */
    async writtenAmong(snapshotId: string, paths: string[]): Promise<Set<string>> {
      const written = new Set<string>();
      // Each path is one bind parameter, and Postgres allows 65,535 per statement.
      for (let start = 0; start < paths.length; start += 5000) {
        const rows = await db.selectFrom('snapshot_files').select('path').where('snapshot_id', '=', snapshotId).where('path', 'in', paths.slice(start, start + 5000)).execute();
        for (const row of rows) written.add(row.path);
      }
      return written;
    },

    async writtenCount(snapshotId: string): Promise<number> {
      const row = await db.selectFrom('snapshot_files').select(sql<string>`count(*)`.as('rows')).where('snapshot_id', '=', snapshotId).executeTakeFirstOrThrow();
      return Number(row.rows);
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
     * Copies the rows of `paths` from one snapshot into another as they are (flags and skip
     * reasons included), in one statement; a row the target already has is kept.
     */
    async copyFiles(fromId: string, toId: string, paths: string[]): Promise<void> {
      await sql`insert into snapshot_files (snapshot_id, path, kind, mode, sha, size, is_text, editable, lfs_pointer, skip_reason, warning)
                select ${toId}, path, kind, mode, sha, size, is_text, editable, lfs_pointer, skip_reason, warning
                from snapshot_files where snapshot_id = ${fromId} and path = any(${paths})
                on conflict (snapshot_id, path) do nothing`.execute(db);
    },

    /** Copies every row but those of `paths` from one snapshot into another, as `copyFiles` does. */
    async copyFilesExcept(fromId: string, toId: string, paths: string[]): Promise<void> {
      await sql`insert into snapshot_files (snapshot_id, path, kind, mode, sha, size, is_text, editable, lfs_pointer, skip_reason, warning)
                select ${toId}, path, kind, mode, sha, size, is_text, editable, lfs_pointer, skip_reason, warning
                from snapshot_files where snapshot_id = ${fromId} and not (path = any(${paths}))
                on conflict (snapshot_id, path) do nothing`.execute(db);
    },

    /** Marks a filled snapshot complete with its totals: from now on readers may get it. */
    async seal(snapshotId: string, totals: { files: number; bytes: number }): Promise<void> {
      await db.updateTable('snapshots').set({ complete: true, file_count: totals.files, total_bytes: totals.bytes }).where('id', '=', snapshotId).execute();
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

    /** Path, blob and mode of every row of a snapshot: what a commit's tree is compared with. */
    entries(snapshotId: string): Promise<SnapshotEntry[]> {
      return db.selectFrom('snapshot_files').select(['path', 'sha', 'mode']).where('snapshot_id', '=', snapshotId).execute();
    },

    /** Path, blob and mode of the rows of `paths` in a snapshot (absent paths have none). */
    async entriesAt(snapshotId: string, paths: string[]): Promise<SnapshotEntry[]> {
      const entries: SnapshotEntry[] = [];
      // Each path is one bind parameter, and Postgres allows 65,535 per statement.
      for (let start = 0; start < paths.length; start += 5000) {
        entries.push(...(await db.selectFrom('snapshot_files').select(['path', 'sha', 'mode']).where('snapshot_id', '=', snapshotId).where('path', 'in', paths.slice(start, start + 5000)).execute()));
      }
      return entries;
    },

    /** Which of `shas` some row of a snapshot names. */
    async blobsAmong(snapshotId: string, shas: string[]): Promise<Set<string>> {
      const known = new Set<string>();
      // Each SHA is one bind parameter, and Postgres allows 65,535 per statement.
      for (let start = 0; start < shas.length; start += 5000) {
        const rows = await db.selectFrom('snapshot_files').select('sha').distinct().where('snapshot_id', '=', snapshotId).where('sha', 'in', shas.slice(start, start + 5000)).execute();
        for (const row of rows) known.add(row.sha);
      }
      return known;
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
    storedBlobs(snapshotId: string): Promise<Array<{ sha: string; size: number; path: string }>> {
      return storedBlobsAfter(snapshotId, undefined, null);
    },

    storedBlobsAfter,

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
