import { sql, type Kysely } from 'kysely';

// Small blobs are stored back to back in pack objects (`packs/<key>`). A pack's row and its blobs'
// places are written in one transaction, only after the pack object is durable, so an index row
// never points into a pack that is not there. A blob without a pack keeps its own object.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('blob_packs')
    .addColumn('key', 'uuid', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('blob_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .alterTable('blobs')
    .addColumn('pack_key', 'uuid', (c) => c.references('blob_packs.key'))
    .addColumn('pack_offset', 'bigint')
    .execute();
  await db.schema.createIndex('blobs_pack_key').on('blobs').column('pack_key').where(sql.ref('pack_key'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('blobs').dropColumn('pack_key').dropColumn('pack_offset').execute();
  await db.schema.dropTable('blob_packs').execute();
}
