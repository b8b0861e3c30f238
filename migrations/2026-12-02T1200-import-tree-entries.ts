import { sql, type Kysely } from 'kysely';

// The commit tree an import is filling a snapshot from, kept in the database rather than in the
// worker's memory, so an import's memory does not grow with the number of files. Rows are in
// byte order of path (collation "C"): the order of git's trees and of the archives git makes, so
// entries looked up as an archive streams lie next to each other. They go with their snapshot,
// and are dropped once it is complete.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('import_tree_entries')
    .addColumn('snapshot_id', 'uuid', (c) => c.notNull().references('snapshots.id').onDelete('cascade'))
    .addColumn('path', sql`text collate "C"`, (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('blob', 'commit')`))
    .addColumn('sha', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_tree_entries_pk', ['snapshot_id', 'path'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('import_tree_entries').execute();
}
