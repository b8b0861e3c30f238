import { sql, type Kysely } from 'kysely';

// Garbage collection never removes a blob a running import may still be about to reference:
// `touched_at` is refreshed whenever a writer finds the blob already stored and reuses it, and the
// collector only removes blobs untouched for its whole grace period. A pack is first retired
// (nothing points into it any more: emptied, or its live blobs copied into a new pack) and only
// deleted a grace period later, so a reader that located a blob just before cannot lose it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('blobs')
    .addColumn('touched_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.alterTable('blob_packs').addColumn('retired_at', 'timestamptz').execute();
  // One collector at a time, across processes: the one holding the lease (renewed while it runs;
  // a collector that died lets it lapse).
  await db.schema
    .createTable('garbage_collector_lease')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('holder', 'uuid', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('garbage_collector_lease').execute();
  await db.schema.alterTable('blob_packs').dropColumn('retired_at').execute();
  await db.schema.alterTable('blobs').dropColumn('touched_at').execute();
}
